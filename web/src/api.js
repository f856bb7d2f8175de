// The staff API (same origin as this page): every action goes through it, with the Firebase ID token.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function request(url, { method = 'GET', token = null, body = undefined } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'Сервер недоступен: проверьте подключение и повторите.');
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const message = (data && data.message) || `Ошибка сервера (${response.status}).`;
    throw new ApiError(response.status, (data && data.error) || 'http_error', message);
  }
  return data;
}

// The page is served at /web/; the API at /api on the same origin.
export const loadConfig = () => request('/web/config.json');
export const me = (token) => request('/api/me', { token });
export const runCommand = (token, caseId, command, body) =>
  request(`/api/cases/${encodeURIComponent(caseId)}/${command}`, { method: 'POST', token, body });
export const markRead = (token, id) =>
  request(`/api/notifications/${encodeURIComponent(id)}/read`, { method: 'POST', token, body: {} });
export const markAllRead = (token) => request('/api/notifications/read-all', { method: 'POST', token, body: {} });
export const setNotifyBy = (token, notifyBy) =>
  request('/api/me/notify', { method: 'POST', token, body: { notify_by: notifyBy } });
export const dismissalReasons = (token) => request('/api/dismissal-reasons', { token });
export const dismissMany = (token, cases, reason) =>
  request('/api/bulk/dismiss', { method: 'POST', token, body: { cases, reason } });
export const staff = (token) => request('/api/staff', { token });
export const calendar = (token) => request('/api/calendar', { token });
// The admin's screen (functions/admin_http.py).
export const adminStaff = (token) => request('/api/admin/staff', { token });
export const adminCreateStaff = (token, body) => request('/api/admin/staff/new', { method: 'POST', token, body });
export const adminUpdateStaff = (token, uid, body) =>
  request(`/api/admin/staff/${encodeURIComponent(uid)}`, { method: 'POST', token, body });
export const adminAgencies = (token) => request('/api/admin/agencies', { token });
export const adminSaveAgency = (token, id, body) =>
  request(`/api/admin/agencies/${encodeURIComponent(id)}`, { method: 'POST', token, body });
export const adminSaveReasons = (token, reasons) =>
  request('/api/admin/dismissal-reasons', { method: 'POST', token, body: { reasons } });
export const adminTriage = (token) => request('/api/admin/triage', { token });
export const adminSaveWebSettings = (token, body) => request('/api/admin/web-settings', { method: 'POST', token, body });
