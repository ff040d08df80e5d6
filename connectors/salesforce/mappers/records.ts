/** The Salesforce records the connector reads, as the REST API returns them (JSON numbers, ISO strings). */

export interface ChildRecords<T> {
  totalSize: number;
  done: boolean;
  records: T[];
}

export interface SfOpportunity {
  Id: string;
  Name: string | null;
  AccountId: string | null;
  OwnerId: string;
  IsWon: boolean;
  CloseDate: string;
  Amount: number | null;
  CurrencyIsoCode?: string | null;
  /** Selected only by the incremental pull, whose cursor it is. */
  SystemModstamp?: string;
  PC_Manager_Involved__c?: boolean | null;
  PC_Credited_Manager__c?: string | null;
  PC_Manager_Credit__c?: number | null;
  PC_Credit_Reason__c?: string | null;
  PC_Evaluated_At__c?: string | null;
  OpportunitySplits?: ChildRecords<SfSplit> | null;
}

export interface SfSplit {
  SplitOwnerId: string;
  SplitPercentage: number | null;
}

export interface SfEventRelation {
  RelationId: string;
  IsInvitee: boolean;
  IsParent: boolean;
  /** Not selected by the pull, which leaves the What's rows out; a row that has it true is skipped. */
  IsWhat?: boolean;
  Status: string | null;
}

export interface SfEvent {
  Id: string;
  WhatId: string | null;
  /** Selected only with the account activities policy. */
  AccountId?: string | null;
  OwnerId: string;
  StartDateTime: string | null;
  ActivityDate: string | null;
  IsAllDayEvent: boolean;
  EventRelations?: ChildRecords<SfEventRelation> | null;
}

export interface SfTaskRelation {
  RelationId: string;
  /** As on SfEventRelation. */
  IsWhat?: boolean;
}

export interface SfTask {
  Id: string;
  WhatId: string | null;
  /** Selected only with the account activities policy. */
  AccountId?: string | null;
  OwnerId: string;
  ActivityDate: string | null;
  CreatedDate?: string | null;
  Status: string | null;
  CallDisposition: string | null;
  TaskRelations?: ChildRecords<SfTaskRelation> | null;
}

export interface SfUser {
  Id: string;
  Name: string | null;
  Email: string | null;
  IsActive: boolean;
  ManagerId: string | null;
  PC_Current_Attainment__c?: number | null;
  PC_Current_Credited__c?: number | null;
}

export interface SfOrganization {
  Id: string;
  TimeZoneSidKey: string;
  FiscalYearStartMonth: number;
  DefaultCurrencyIsoCode: string | null;
}

export interface SfCurrencyType {
  IsoCode: string;
  ConversionRate: number;
  IsCorporate: boolean;
  IsActive: boolean;
}

export interface SfDatedRate {
  IsoCode: string;
  ConversionRate: number;
  StartDate: string;
}

export interface SfAttainment {
  Id: string;
  PC_Key__c: string | null;
  PC_Manager__c: string | null;
  PC_Period__c: string | null;
  PC_Quota__c: number | null;
  PC_Credited__c: number | null;
  PC_Attainment__c: number | null;
  PC_Assisted_Deals__c: number | null;
  PC_Team_Won_Deals__c: number | null;
  PC_Team_Won_Amount__c: number | null;
}
