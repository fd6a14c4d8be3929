// Calls to the hub's API with the bearer token; failures become ApiError with the problem's detail.

import { t } from '../tips/i18n.js';

export class ApiError extends Error {
  constructor(status, detail, path) {
    super(detail);
    this.status = status;
    this.path = path;
  }
  get authentication() {
    return this.status === 401;
  }
}

export function createApi(getToken) {
  async function get(path, { signal } = {}) {
    let response;
    try {
      response = await fetch(path, {
        headers: { Authorization: 'Bearer ' + getToken(), Accept: 'application/json' },
        cache: 'no-store',
        credentials: 'omit',
        signal,
      });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, t('api.unreachable', { message: e.message }), path);
    }
    if (!response.ok) {
      throw new ApiError(response.status, await problemDetail(response), path);
    }
    return response.json();
  }

  /** Follows `next` cursors; stops after maxPages pages. */
  async function getAll(path, key, { signal, maxPages = 20 } = {}) {
    const items = [];
    let cursor = null;
    for (let page = 0; page < maxPages; page++) {
      const url = cursor ? path + (path.includes('?') ? '&' : '?') + 'cursor=' + encodeURIComponent(cursor) : path;
      const body = await get(url, { signal });
      items.push(...(Array.isArray(body[key]) ? body[key] : []));
      cursor = body.next;
      if (!cursor) break;
    }
    return items;
  }

  /**
   * Follows `next` cursors until `maxItems` items are in (pages of at most `pageSize`); `complete` says
   * whether that was all there is.
   */
  async function getSome(path, key, { signal, maxItems = 1000, pageSize = 100 } = {}) {
    const items = [];
    let cursor = null;
    do {
      const size = Math.min(pageSize, maxItems - items.length);
      const sized = path + (path.includes('?') ? '&' : '?') + 'limit=' + size;
      const url = cursor ? sized + '&cursor=' + encodeURIComponent(cursor) : sized;
      const body = await get(url, { signal });
      items.push(...(Array.isArray(body[key]) ? body[key] : []));
      cursor = body.next;
    } while (cursor && items.length < maxItems);
    return { items, complete: !cursor };
  }

  return { get, getAll, getSome };
}

export async function problemDetail(response) {
  try {
    const type = response.headers.get('Content-Type') || '';
    if (type.includes('json')) {
      const body = await response.json();
      if (body && body.detail) return body.detail;
    }
  } catch (e) {
    // fall through to the status line
  }
  return response.statusText || ('HTTP ' + response.status);
}
