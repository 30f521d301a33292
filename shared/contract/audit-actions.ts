/**
 * Every action the audit log records. A plain list without zod, so that the
 * renderer can show and filter them without bundling the schemas.
 */
export const AUDIT_ACTION_NAMES = [
  'promote',
  'token-create',
  'token-reveal',
  'token-copy',
  'token-revoke',
  'token-seal',
  'token-qr',
  'join',
  'grant',
  'label',
  'disconnect',
  'force-disconnect',
  'demote',
  'profile-save',
  'profile-delete',
  'policy-save',
  'policy-delete',
  'distribution-save',
  'distribution-delete',
  'distribution-sync',
  'secret-reveal',
] as const;
