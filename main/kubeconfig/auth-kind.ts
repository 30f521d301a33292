/**
 * How a kubeconfig user signs in, as one word for the wizard. When a user
 * sets several (a client certificate and a token, say), the one shown is the
 * one that decides who the cluster sees: a plugin first, then the
 * certificate, then a bearer token, as client-go applies them.
 */
import type { AuthKind } from '../../shared/contract/kubeconfig.js';
import type { UserEntry } from './model.js';

/** The auth kind of `user` ('none' for a context without a user). */
export function detectAuthKind(user: UserEntry | undefined): AuthKind {
  if (!user) return 'none';
  if (user.exec) return 'exec';
  if (user.authProvider) return 'auth-provider';
  if (user.clientCertificate || user.clientCertificateData || user.clientKey || user.clientKeyData) return 'client-certificate';
  if (user.token) return 'token';
  if (user.tokenFile) return 'token-file';
  if (user.username || user.password) return 'basic';
  return 'none';
}
