/**
 * The sandbox's own admin API (not part of Kubernetes; system:masters only), for tests and demos:
 *   GET    /sandbox/v1/faults     list fault rules        POST /sandbox/v1/faults  add rules (JSON rule or array)
 *   DELETE /sandbox/v1/faults     remove all rules        DELETE /sandbox/v1/faults/<id>  remove one
 *   GET    /sandbox/v1/counters   request counts by verb, group and resource
 *   DELETE /sandbox/v1/counters   reset the counts
 */
import { badRequest, methodNotAllowed, pageNotFound } from './errors.js';
import { parseFaultRules } from './faults.js';
import type { Reply } from './handlers/call.js';
import type { SandboxServer } from './server.js';

export function adminReply(server: SandboxServer, method: string, url: URL, body: Buffer): Reply {
  const [, version, what, id] = url.pathname.split('/').filter((p) => p !== '');
  if (version !== 'v1') throw pageNotFound();
  if (what === 'faults') {
    if (method === 'GET') return { status: 200, body: { rules: server.faults.list() } };
    if (method === 'POST') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw badRequest('fault rules must be JSON');
      }
      const added = parseFaultRules(parsed).map((r) => server.faults.add(r));
      return { status: 201, body: { rules: added } };
    }
    if (method === 'DELETE') {
      if (id) server.faults.remove(id);
      else server.faults.clear();
      return { status: 200, body: { rules: server.faults.list() } };
    }
    throw methodNotAllowed();
  }
  if (what === 'counters') {
    if (method === 'GET') return { status: 200, body: { counters: server.counters.snapshot() } };
    if (method === 'DELETE') {
      server.counters.reset();
      return { status: 200, body: { counters: [] } };
    }
    throw methodNotAllowed();
  }
  throw pageNotFound();
}
