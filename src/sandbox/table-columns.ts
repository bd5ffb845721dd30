/**
 * Server-side printers of the built-in kinds, ported from kubernetes pkg/printers/internalversion/
 * printers.go (AddHandlers and the print* functions). The server always prints wide (pkg/printers/
 * storage TableConvertor passes Wide: true); kubectl hides priority-1 columns unless `-o wide`.
 * Objects are read as stored; fields the real server would have defaulted fall back to those defaults.
 */
import {
  AGE_COLUMN,
  age,
  at,
  column,
  count,
  formatLabelSelector,
  formatLabels,
  int,
  list,
  NAME_COLUMN,
  objectName as name,
  obj,
  type Printer,
  parseTime,
  since,
  text,
} from './table-format.js';
import { POD_PRINTER } from './table-pod.js';
import { WORKLOAD_PRINTERS } from './table-workloads.js';
import type { Obj } from './types.js';

function servicePorts(ports: unknown): string {
  const s = list(ports).map((p) => {
    const protocol = text(at(p, 'protocol')) || 'TCP';
    const nodePort = int(at(p, 'nodePort'));
    return nodePort > 0
      ? `${int(at(p, 'port'))}:${nodePort}/${protocol}`
      : `${int(at(p, 'port'))}/${protocol}`;
  });
  return s.length === 0 ? '<none>' : s.join(',');
}

/** loadBalancerStatusStringer: sorted unique IPs or hostnames, clipped to 16 bytes unless wide. */
function loadBalancer(status: unknown): string {
  const set = new Set<string>();
  for (const i of list(at(status, 'ingress'))) {
    const v = text(at(i, 'ip')) || text(at(i, 'hostname'));
    if (v) set.add(v);
  }
  return [...set].sort().join(',');
}

function externalIP(svc: Obj): string {
  const external = list(at(svc, 'spec', 'externalIPs')).map(text);
  switch (text(at(svc, 'spec', 'type')) || 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancer(at(svc, 'status', 'loadBalancer'));
      if (external.length > 0) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return text(at(svc, 'spec', 'externalName'));
    default:
      return '<unknown>';
  }
}

/** printers.go formatEndpoints: up to three host:port pairs, then `+ N more...`. */
function formatEndpoints(o: Obj): string {
  const subsets = list(o.subsets);
  if (subsets.length === 0) return '<none>';
  const out: string[] = [];
  let total = 0;
  for (const ss of subsets) {
    const addrs = list(at(ss, 'addresses')).map((a) => text(at(a, 'ip')));
    const ports = list(at(ss, 'ports'));
    const pairs =
      ports.length === 0
        ? addrs
        : ports.flatMap((p) => addrs.map((ip) => joinHostPort(ip, int(at(p, 'port')))));
    total += pairs.length;
    for (const p of pairs) if (out.length < 3) out.push(p);
  }
  return total > 3 ? `${out.join(',')} + ${total - 3} more...` : out.join(',');
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function ingressHosts(rules: unknown): string {
  const rs = list(rules);
  const hosts = rs
    .slice(0, 3)
    .map((r) => text(at(r, 'host')))
    .filter((h) => h !== '');
  if (hosts.length === 0) return '*';
  return rs.length > 3 ? `${hosts.join(',')} + ${rs.length - 3} more...` : hosts.join(',');
}

/** rbac SubjectsStrings: users, groups and `namespace/name` service accounts, each comma-space joined. */
function subjects(o: Obj): [string, string, string] {
  const by = (kind: string, f: (s: unknown) => string): string =>
    list(o.subjects)
      .filter((s) => at(s, 'kind') === kind)
      .map(f)
      .join(', ');
  return [
    by('User', (s) => text(at(s, 'name'))),
    by('Group', (s) => text(at(s, 'name'))),
    by('ServiceAccount', (s) => `${text(at(s, 'namespace'))}/${text(at(s, 'name'))}`),
  ];
}

function roleBinding(kind: string): Printer {
  return {
    columns: [
      NAME_COLUMN,
      column(
        'Role',
        'string',
        'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.',
      ),
      AGE_COLUMN,
      column('Users', 'string', `Users in the ${kind}`, 1),
      column('Groups', 'string', `Groups in the ${kind}`, 1),
      column('ServiceAccounts', 'string', `ServiceAccounts in the ${kind}`, 1),
    ],
    cells: (o, now) => [
      name(o),
      `${text(at(o, 'roleRef', 'kind'))}/${text(at(o, 'roleRef', 'name'))}`,
      age(o, now),
      ...subjects(o),
    ],
  };
}

/** Event fields by API: core/v1 names, and the events.k8s.io/v1 names the same storage converts to. */
function eventPrinter(fields: {
  message: string;
  involved: string;
  first: string;
  last: string;
  count: string;
  source: string;
}): Printer {
  return {
    columns: [
      column(
        'Last Seen',
        'string',
        'The time at which the most recent occurrence of this event was recorded.',
      ),
      column(
        'Type',
        'string',
        'Type of this event (Normal, Warning), new types could be added in the future',
      ),
      column(
        'Reason',
        'string',
        "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
      ),
      column('Object', 'string', 'The object that this event is about.'),
      column(
        'Subobject',
        'string',
        'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.',
        1,
      ),
      column('Source', 'string', 'The component reporting this event.', 1),
      column('Message', 'string', 'A human-readable description of the status of this operation.'),
      column(
        'First Seen',
        'string',
        'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)',
        1,
      ),
      column('Count', 'string', 'The number of times this event has occurred.', 1),
      column('Name', 'string', NAME_COLUMN.description, 1, 'name'),
    ],
    cells: (o, now) => {
      const involved = obj(o[fields.involved]);
      const first =
        parseTime(o[fields.first]) !== undefined ? since(o[fields.first], now) : since(o.eventTime, now);
      const series = obj(o.series);
      const last = isSet(series)
        ? since(series.lastObservedTime, now)
        : parseTime(o[fields.last]) !== undefined
          ? since(o[fields.last], now)
          : first;
      const n = isSet(series) ? int(series.count) : int(o[fields.count]) || 1;
      const kind = text(involved.kind).toLowerCase();
      const target = text(involved.name) ? `${kind}/${text(involved.name)}` : kind;
      const source = obj(o[fields.source]);
      const component = text(source.component) || text(o.reportingController);
      const host = text(source.host) || text(o.reportingInstance);
      return [
        last,
        text(o.type),
        text(o.reason),
        target,
        text(involved.fieldPath),
        host ? `${component}, ${host}` : component,
        text(o[fields.message]).trim(),
        first,
        n,
        name(o),
      ];
    },
  };
}

function isSet(o: Obj): boolean {
  return Object.keys(o).length > 0;
}

/** Printers by `<group>/<Kind>`. Kinds without one get the default Name / Created At table. */
export const BUILTIN_PRINTERS: Readonly<Record<string, Printer>> = {
  ...WORKLOAD_PRINTERS,
  '/Namespace': {
    columns: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
    cells: (o, now) => [name(o), text(at(o, 'status', 'phase')), age(o, now)],
  },
  '/ConfigMap': {
    columns: [
      NAME_COLUMN,
      column(
        'Data',
        'string',
        "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
      ),
      AGE_COLUMN,
    ],
    cells: (o, now) => [name(o), count(o.data) + count(o.binaryData), age(o, now)],
  },
  '/Secret': {
    columns: [
      NAME_COLUMN,
      column(
        'Type',
        'string',
        'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types',
      ),
      column(
        'Data',
        'string',
        "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
      ),
      AGE_COLUMN,
    ],
    cells: (o, now) => [name(o), text(o.type) || 'Opaque', count(o.data), age(o, now)],
  },
  '/ServiceAccount': {
    columns: [
      NAME_COLUMN,
      column(
        'Secrets',
        'string',
        'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
      ),
      AGE_COLUMN,
    ],
    cells: (o, now) => [name(o), count(o.secrets), age(o, now)],
  },
  '/Service': {
    columns: [
      NAME_COLUMN,
      column(
        'Type',
        'string',
        'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.',
      ),
      column(
        'Cluster-IP',
        'string',
        'clusterIP is the IP address of the service and is usually assigned randomly.',
      ),
      column(
        'External-IP',
        'string',
        'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.',
      ),
      column(
        'Port(s)',
        'string',
        'The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
      ),
      AGE_COLUMN,
      column(
        'Selector',
        'string',
        'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/',
        1,
      ),
    ],
    cells: (o, now) => [
      name(o),
      text(at(o, 'spec', 'type')) || 'ClusterIP',
      text(at(o, 'spec', 'clusterIPs', 0)) || text(at(o, 'spec', 'clusterIP')) || '<none>',
      externalIP(o),
      servicePorts(at(o, 'spec', 'ports')),
      age(o, now),
      formatLabels(at(o, 'spec', 'selector')),
    ],
  },
  '/Pod': POD_PRINTER,
  '/Endpoints': {
    columns: [
      NAME_COLUMN,
      column('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'),
      AGE_COLUMN,
    ],
    cells: (o, now) => [name(o), formatEndpoints(o), age(o, now)],
  },
  '/Event': eventPrinter({
    message: 'message',
    involved: 'involvedObject',
    first: 'firstTimestamp',
    last: 'lastTimestamp',
    count: 'count',
    source: 'source',
  }),
  'events.k8s.io/Event': eventPrinter({
    message: 'note',
    involved: 'regarding',
    first: 'deprecatedFirstTimestamp',
    last: 'deprecatedLastTimestamp',
    count: 'deprecatedCount',
    source: 'deprecatedSource',
  }),
  'networking.k8s.io/Ingress': {
    columns: [
      NAME_COLUMN,
      column(
        'Class',
        'string',
        'The name of the IngressClass resource that should be used for additional configuration',
      ),
      column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
      column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
      column('Ports', 'string', 'Ports of TLS configurations that open'),
      AGE_COLUMN,
    ],
    cells: (o, now) => [
      name(o),
      text(at(o, 'spec', 'ingressClassName')) || '<none>',
      ingressHosts(at(o, 'spec', 'rules')),
      loadBalancer(at(o, 'status', 'loadBalancer')),
      count(at(o, 'spec', 'tls')) > 0 ? '80, 443' : '80',
      age(o, now),
    ],
  },
  'networking.k8s.io/NetworkPolicy': {
    columns: [
      NAME_COLUMN,
      column('Pod-Selector', 'string', 'Selects the pods to which this NetworkPolicy object applies.'),
      AGE_COLUMN,
    ],
    cells: (o, now) => [name(o), formatLabelSelector(at(o, 'spec', 'podSelector')), age(o, now)],
  },
  'rbac.authorization.k8s.io/RoleBinding': roleBinding('roleBinding'),
  'rbac.authorization.k8s.io/ClusterRoleBinding': roleBinding('clusterRoleBinding'),
  'coordination.k8s.io/Lease': {
    columns: [
      NAME_COLUMN,
      column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease.'),
      AGE_COLUMN,
    ],
    cells: (o, now) => [name(o), text(at(o, 'spec', 'holderIdentity')) || '<none>', age(o, now)],
  },
};
