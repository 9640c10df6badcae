import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { AppPlugin } from './app.ts';

/** Where the console's files live: plain ES modules, no build step. */
export const UI_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ui');

/**
 * Strict policy for the console: only its own scripts and styles, no inline script or style, no
 * framing, no plugins; it talks only to this server's API.
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The web console at `/ui/` (`index.html` for `/ui/`, `/ui` redirects there). It uses only the
 * public admin API, so it needs no service of its own. Not wrapped in fastify-plugin: the CSP
 * hook must apply to the console's routes only.
 */
export const uiPlugin: AppPlugin = async (app) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', UI_CSP);
    // A token typed into the console must not outlive a shared kiosk browser's cache.
    reply.header('cache-control', 'no-cache');
    return payload;
  });
  await app.register(fastifyStatic, {
    root: UI_ROOT,
    prefix: '/ui/',
    index: ['index.html'],
    // Other front ends may register @fastify/static too; the reply decorator may exist once only.
    decorateReply: false,
    cacheControl: false,
  });
  // Relative asset URLs in index.html need the trailing slash.
  app.get('/ui', (_request, reply) => reply.redirect('/ui/'));
};
