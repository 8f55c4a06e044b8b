// The API token lives in session storage: it survives a reload of the tab, not the tab itself, and other
// tabs do not see it (each signs in on its own).
const KEY = 'daas.portal.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}
