// Server-sent events over fetch(): EventSource cannot send an Authorization header, so the
// console reads text/event-stream itself — fields id/event/data/retry, comments (heartbeats),
// multi-line data, CR/LF/CRLF line ends — and reconnects with backoff and Last-Event-ID.

import { problemDetail } from './api.js';
import { t } from '../tips/i18n.js';

/**
 * Incremental parser of the text/event-stream format (WHATWG HTML, "server-sent events").
 * Feed it decoded text in chunks of any size; it calls onEvent({id, event, data}) when an
 * event is complete, onComment(text) for comment lines and onRetry(ms) for retry fields.
 */
export class SseParser {
  constructor({ onEvent, onComment = () => {}, onRetry = () => {} }) {
    this.onEvent = onEvent;
    this.onComment = onComment;
    this.onRetry = onRetry;
    this.buffer = '';
    this.started = false;
    this.pendingCR = false;
    this.reset();
    this.lastEventId = '';
  }

  reset() {
    this.data = [];
    this.eventType = '';
    this.idSeen = false;
  }

  push(text) {
    if (!this.started) {
      if (!text) return;
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR at the end of the previous chunk may be the first half of a CRLF.
    if (this.pendingCR && text.startsWith('\n')) text = text.slice(1);
    this.pendingCR = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buffer.slice(start, i));
      if (c === 13) {
        if (i + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  line(line) {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) {
      this.onComment(line.slice(1).replace(/^ /, ''));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data': this.data.push(value); break;
      case 'event': this.eventType = value; break;
      case 'id': if (!value.includes('\0')) { this.lastEventId = value; this.idSeen = true; } break;
      case 'retry': if (/^\d+$/.test(value)) this.onRetry(parseInt(value, 10)); break;
      default: break; // unknown fields are ignored
    }
  }

  dispatch() {
    const hasData = this.data.length > 0;
    const event = { id: this.lastEventId, event: this.eventType || 'message', data: this.data.join('\n') };
    this.reset();
    if (hasData) this.onEvent(event);
  }
}

/**
 * A live event stream that keeps itself connected. States reported to onState:
 * connecting, live, reconnecting (with a delay), stopped, failed (will not retry: auth or bad request).
 */
export class LiveStream {
  constructor({ url, token, lastEventId = '', onEvent, onState, onHeartbeat = () => {}, onConnected = () => {} }) {
    this.url = url;
    this.token = token;
    this.lastEventId = lastEventId;
    this.onEvent = onEvent;
    this.onState = onState;
    this.onHeartbeat = onHeartbeat;
    this.onConnected = onConnected;
    this.retryBase = 1000;
    this.attempt = 0;
    this.stopped = false;
    this.controller = null;
    this.timer = null;
    this.onOnline = () => this.reconnectNow();
  }

  static SILENCE_MS = 60000;
  static MAX_DELAY_MS = 30000;

  start() {
    window.addEventListener('online', this.onOnline);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.timer);
    if (this.controller) this.controller.abort();
    this.onState({ state: 'stopped' });
  }

  reconnectNow() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    if (this.controller) this.controller.abort();
    this.attempt = 0;
    this.connect();
  }

  async connect() {
    if (this.stopped) return;
    const controller = new AbortController();
    this.controller = controller;
    this.onState({ state: 'connecting', attempt: this.attempt });
    const headers = { Authorization: 'Bearer ' + this.token, Accept: 'text/event-stream' };
    if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
    let connectedAt = 0;
    let received = false;
    let watchdog = null;
    // Without a byte (event or heartbeat) for SILENCE_MS the connection is presumed dead.
    const armWatchdog = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => controller.abort(), LiveStream.SILENCE_MS);
    };
    try {
      const response = await fetch(this.url, { headers, cache: 'no-store', credentials: 'omit', signal: controller.signal });
      if (controller !== this.controller) return;
      if (!response.ok) {
        const detail = await problemDetail(response);
        const fatal = response.status === 400 || response.status === 401 || response.status === 403;
        // 429 (too many streams open) and 503 say when to come back.
        const retryAfter = parseInt(response.headers.get('Retry-After') || '', 10);
        this.fail(response.status, detail, fatal, Number.isFinite(retryAfter) ? retryAfter * 1000 : 0);
        return;
      }
      const type = response.headers.get('Content-Type') || '';
      if (!type.startsWith('text/event-stream')) {
        this.fail(response.status, t('sse.notEventStream', { type: type || '–' }), false);
        return;
      }
      connectedAt = Date.now();
      this.onState({ state: 'live', since: connectedAt });
      this.onConnected({ resumedFrom: this.lastEventId });
      const parser = new SseParser({
        onEvent: e => {
          received = true;
          if (e.id) this.lastEventId = e.id;
          this.onEvent(e);
        },
        onComment: text => this.onHeartbeat(text),
        onRetry: ms => { this.retryBase = Math.max(250, Math.min(ms, LiveStream.MAX_DELAY_MS)); },
      });
      const reader = response.body.getReader();
      const decoder = new TextDecoder('utf-8');
      armWatchdog();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        armWatchdog();
        parser.push(decoder.decode(value, { stream: true }));
      }
      parser.push(decoder.decode());
      if (controller !== this.controller) return;
      this.retryLater(received || Date.now() - connectedAt > 10000, t('sse.closed'));
    } catch (e) {
      if (this.stopped || (controller.signal.aborted && controller !== this.controller)) return;
      const reason = controller.signal.aborted ? t('sse.noHeartbeat', { s: LiveStream.SILENCE_MS / 1000 }) : t('sse.lost');
      this.retryLater(received || (connectedAt && Date.now() - connectedAt > 10000), reason);
    } finally {
      clearTimeout(watchdog);
    }
  }

  fail(status, detail, fatal, retryAfterMs) {
    if (fatal) {
      this.onState({ state: 'failed', status, detail });
      return;
    }
    this.retryLater(false, 'HTTP ' + status + ': ' + detail, status, retryAfterMs);
  }

  retryLater(wasHealthy, reason, status, atLeastMs = 0) {
    if (this.stopped) return;
    if (wasHealthy) this.attempt = 0;
    // 1 s, 2 s, 4 s … 30 s, with ±20 % jitter so a wall of consoles does not reconnect in step.
    const backoff = Math.min(LiveStream.MAX_DELAY_MS, this.retryBase * 2 ** this.attempt * (0.8 + Math.random() * 0.4));
    const delay = Math.max(backoff, Math.min(atLeastMs, 5 * 60000));
    this.attempt = Math.min(this.attempt + 1, 10);
    this.onState({ state: 'reconnecting', delay, reason, status, retryAt: Date.now() + delay });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
