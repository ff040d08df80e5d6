/**
 * Word lists for people and companies. Plain ASCII, so emails need no transliteration and the
 * names read naturally in both CRMs.
 */
export const FIRST_NAMES = (
  'Aaron,Abigail,Adrian,Aisha,Alan,Alice,Amir,Ana,Andre,Anna,Ben,Bianca,Brian,Camila,Carlos,Carmen,' +
  'Chen,Chloe,Chris,Claire,Daniel,Dana,David,Deepa,Diego,Elena,Eli,Emma,Eric,Fatima,Felix,Fiona,' +
  'Gabriel,Grace,Hana,Hannah,Hugo,Ian,Ines,Isaac,Ivy,Jack,James,Jana,Javier,Jin,Julia,Kai,Karen,' +
  'Kevin,Lara,Leo,Lily,Lucas,Luis,Maya,Marco,Maria,Mark,Mei,Mia,Miguel,Nadia,Nathan,Nina,Noah,Olga,' +
  'Omar,Oscar,Paula,Priya,Rafael,Rita,Robert,Rosa,Ryan,Sara,Sean,Sofia,Sunil,Tara,Theo,Tom,Uma,' +
  'Victor,Wei,Yara,Yusuf,Zoe'
).split(',');

export const LAST_NAMES = (
  'Adams,Ahmed,Alvarez,Anderson,Bailey,Baker,Bauer,Becker,Brown,Campbell,Chen,Clark,Cohen,Collins,' +
  'Costa,Davis,Dubois,Edwards,Evans,Fischer,Garcia,Gomez,Green,Gupta,Hall,Hansen,Hill,Hoffmann,' +
  'Hughes,Ito,Jensen,Johnson,Kang,Kaur,Khan,Kim,Klein,Kowalski,Lee,Lewis,Lopez,Martin,Meyer,Miller,' +
  'Moore,Morales,Murphy,Nakamura,Nguyen,Novak,Okafor,Olsen,Patel,Perez,Petrov,Quinn,Reyes,Richter,' +
  'Rossi,Russo,Sato,Schmidt,Shah,Silva,Singh,Smith,Suzuki,Taylor,Thomas,Torres,Walker,Wang,Weber,' +
  'White,Wilson,Wong,Wright,Yamamoto,Young,Zhang'
).split(',');

export const COMPANY_STEMS = (
  'Acorn,Apex,Arbor,Atlas,Aurora,Beacon,Birch,Blue River,Bright,Cascade,Cedar,Cobalt,Compass,Crest,' +
  'Delta,Eagle,Ember,Evergreen,Falcon,Fjord,Globex,Granite,Harbor,Helix,Horizon,Initech,Iron,' +
  'Juniper,Keystone,Lakeside,Lumen,Maple,Meridian,Nimbus,Northwind,Nova,Oak,Orbit,Pacific,Pinnacle,' +
  'Prairie,Quantum,Redwood,Ridge,Sable,Sierra,Silver,Solstice,Sterling,Summit,Tidal,Titan,Umbrella,' +
  'Vanguard,Vertex,Willow,Zenith'
).split(',');

export const COMPANY_KINDS = (
  'Analytics,Bank,Biotech,Capital,Energy,Foods,Freight,Health,Insurance,Labs,Logistics,' +
  'Manufacturing,Media,Motors,Partners,Pharma,Retail,Robotics,Software,Systems,Telecom,Travel'
).split(',');

/** What kind of opportunity a deal is, for its name. */
export const DEAL_KINDS = 'New Business,Renewal,Expansion,Upsell,Pilot,Add-on Seats'.split(',');
