// Browser sessions: the server keeps the session in an httpOnly cookie, so the UI holds no secret.
// It only remembers what /api/me last said, to answer getIdentity and getPermissions.
import { HttpError } from 'react-admin';
import type { AuthProvider, UserIdentity } from 'react-admin';
import type { Me } from './api-records';
import type { Role } from './roles';
import { httpClient } from './http-client';

function statusOf(error: unknown): number | undefined {
  return error instanceof HttpError ? error.status : undefined;
}

/** The logged-in user; null once the server has said nobody is (until the next login); undefined before asking. */
let known: Me | null | undefined;
let inFlight: Promise<Me> | undefined;

/** Asks the server who is logged in; callers arriving while a request is under way share it. */
function fetchMe(): Promise<Me> {
  inFlight ??= httpClient('/api/me')
    .then(({ json }) => (known = json as Me))
    .catch((error: unknown) => {
      if (statusOf(error) === 401) known = null;
      throw error;
    })
    .finally(() => {
      inFlight = undefined;
    });
  return inFlight;
}

export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    const { json } = await httpClient('/api/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) });
    known = (json as { user: Me }).user;
  },

  async logout() {
    if (known === null) return; // react-admin logs out several times on the way to the login page
    known = null;
    // Ends the server session and clears the cookie; there is nothing to undo if it fails.
    await httpClient('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
  },

  async checkAuth() {
    try {
      if (known === null) throw new HttpError('not logged in', 401);
      await fetchMe();
    } catch (error) {
      // Not logged in is the normal first visit: go to the login page without an error toast.
      if (statusOf(error) === 401) throw { message: false };
      throw error;
    }
  },

  async checkError(error: unknown) {
    // 401: the session ended, so log out. 403: logged in but not allowed; stay and show the message.
    if (statusOf(error) === 401) throw error;
  },

  async getIdentity(): Promise<UserIdentity> {
    const user = known ?? (await fetchMe());
    return { id: user.id, fullName: user.fullName || user.username };
  },

  async getPermissions(): Promise<Role | undefined> {
    if (known === null) return undefined; // nobody logged in: no role, and nothing to log out from
    return (known ?? (await fetchMe())).role;
  },
};
