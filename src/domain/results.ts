/**
 * What the engine produces (DESIGN.md "Crediting rules", the output of `playercoach compute`),
 * and the per-deal evaluation the service keeps in its ledger so a changed deal recomputes only
 * the manager-periods it touches.
 */
import type { DealFields } from './write-back.js';

export interface Decision {
  dealId: string;
  /** null only for the single decision of a deal whose owner has no manager. */
  managerId: string | null;
  level: 1 | 2;
  credited: boolean;
  /** Corporate currency, exactly 2 decimals; "0.00" when not credited. */
  amount: string;
  period: string;
  /** Ids of the counting activities the manager participated in, sorted; [] when not credited. */
  evidence: string[];
  reason: string;
}

export interface AttainmentRow {
  managerId: string;
  period: string;
  quota: string | null;
  credited: string;
  attainment: string | null;
  assistedDeals: number;
  teamWonDeals: number;
  teamWonAmount: string;
}

export interface ComputeResult {
  decisions: Decision[];
  attainment: AttainmentRow[];
}

/**
 * Everything the ledger keeps for one deal: enough to rebuild every attainment row the deal
 * contributes to without reading the deal again.
 */
export interface DealEvaluation {
  dealId: string;
  /** Closed won; a deal that is not won has no decisions and counts for nobody. */
  won: boolean;
  /** The fiscal period of the close date (under the policy's period kind). */
  period: string;
  /** The full deal amount in the corporate currency, 2 decimals (team totals use it). */
  amount: string;
  /** The owner's level-1 manager on the close date, for teamWonDeals/teamWonAmount; null when none. */
  teamManagerId: string | null;
  /** Sorted as DESIGN.md says: by level, then managerId. Empty when the deal is not won. */
  decisions: Decision[];
  /** The values to write on the deal in the CRM. */
  fields: DealFields;
}
