/**
 * HubSpot owner → snapshot User. HubSpot has no manager field, so the manager comes from the
 * tenant's mapping, in this order: the owner's own entry (owner → manager) wins; else the entry of
 * the owner's primary team (team → manager); else none. An owner is never their own manager (a
 * team mapped to its lead lists the lead as a member too). Archived owners are inactive users.
 */
import type { User } from '../../../src/domain/snapshot.js';
import type { HsOwner, ManagerMapping } from './hubspot-types.js';

export function managerOf(owner: HsOwner, mapping: ManagerMapping): string | null {
  const own = mapping.owners[owner.id];
  if (own !== undefined && own !== owner.id) return own;
  const primary =
    owner.teams?.find((t) => t.primary) ?? (owner.teams?.length === 1 ? owner.teams[0] : undefined);
  const byTeam = primary === undefined ? undefined : mapping.teams[primary.id];
  if (byTeam !== undefined && byTeam !== owner.id) return byTeam;
  return null;
}

export function toUser(owner: HsOwner, mapping: ManagerMapping): User {
  const name = [owner.firstName ?? '', owner.lastName ?? ''].filter((s) => s !== '').join(' ');
  return {
    id: owner.id,
    name: name === '' ? (owner.email ?? owner.id) : name,
    email: owner.email ?? '',
    managerId: managerOf(owner, mapping),
    active: owner.archived !== true,
  };
}

/** Splits a display name as the sandbox and an admin would enter it: first word, then the rest. */
export function splitName(name: string): { firstName: string; lastName: string } {
  const trimmed = name.trim();
  const at = trimmed.indexOf(' ');
  return at < 0
    ? { firstName: trimmed, lastName: '' }
    : { firstName: trimmed.slice(0, at), lastName: trimmed.slice(at + 1).trim() };
}
