/**
 * A Salesforce Outbound Message as Salesforce sends it (SOAP `notifications`, WSDL
 * sforce_api_om_outboundmessaging_wsdl), written out here so tests do not depend on the parser
 * they check.
 */
export function outboundMessage(
  orgId: string,
  notifications: { id: string; opportunityId: string }[],
): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    '<soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">' +
    `<OrganizationId>${orgId}</OrganizationId><ActionId>04k5e000000AAAAAAA</ActionId>` +
    '<SessionId xsi:nil="true"/>' +
    `<EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/62.0/${orgId}</EnterpriseUrl>` +
    `<PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/62.0/${orgId}</PartnerUrl>` +
    notifications
      .map(
        (n) =>
          `<Notification><Id>${n.id}</Id><sObject xsi:type="sf:Opportunity" ` +
          'xmlns:sf="urn:sobject.enterprise.soap.sforce.com">' +
          `<sf:Id>${n.opportunityId}</sf:Id><sf:StageName>Closed Won</sf:StageName></sObject></Notification>`,
      )
      .join('') +
    '</notifications></soapenv:Body></soapenv:Envelope>'
  );
}
