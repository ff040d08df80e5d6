/** The deal a rep closed in the demo, as either CRM names it. */
export interface ClosedDeal {
  dealId: string;
  name: string;
  buyerEmail: string;
}

/** The generated org names no accounts, so the deal is named for the buyer's company domain. */
export function dealNameFor(buyerEmail: string): string {
  return `Expansion at ${buyerEmail.split('@')[1] ?? buyerEmail}`;
}
