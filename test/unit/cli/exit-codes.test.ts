import { describe, expect, it } from 'vitest';
import { CliError, ClusterExit, describeFailure } from '../../../src/cli/exit-codes.js';
import { KubeError } from '../../../src/kube/index.js';

const SERVER = 'https://10.0.0.1:6443';

describe('describeFailure', () => {
  it.each([
    [new KubeError(0, 'NetworkError', 'connect ECONNREFUSED 10.0.0.1:6443'), ClusterExit.Unreachable],
    [new KubeError(0, 'Timeout', 'request timed out after 30000 ms'), ClusterExit.Unreachable],
    [
      new KubeError(0, 'ConfigError', 'could not load credentials from the kubeconfig'),
      ClusterExit.Unreachable,
    ],
    [new KubeError(401, 'Unauthorized', 'Unauthorized'), ClusterExit.Unreachable],
    [new KubeError(404, 'NotFound', 'syncs.steward.dev "x" not found'), ClusterExit.Usage],
    [new KubeError(403, 'Forbidden', 'syncs.steward.dev "x" is forbidden'), ClusterExit.Failed],
    [new KubeError(500, 'InternalError', 'boom'), ClusterExit.Failed],
    [new Error('anything else'), ClusterExit.Failed],
  ])('%s exits %i', (err, code) => {
    expect(describeFailure(err, SERVER, 'Sync/default/app').code).toBe(code);
  });

  it('names the server and the object', () => {
    const unreachable = describeFailure(
      new KubeError(0, 'NetworkError', 'connect ECONNREFUSED'),
      SERVER,
      'Sync/default/app',
    );
    expect(unreachable.message).toBe(
      'cannot reach the cluster at https://10.0.0.1:6443 (Sync/default/app): connect ECONNREFUSED',
    );
    const forbidden = describeFailure(new KubeError(403, 'Forbidden', 'nope'), SERVER, 'Sync/default/app');
    expect(forbidden.message).toBe('Sync/default/app: nope (Forbidden)');
  });

  it('passes a CliError through unchanged', () => {
    const err = new CliError(ClusterExit.Usage, 'Sync/default/x not found');
    expect(describeFailure(err, SERVER, 'ignored')).toBe(err);
  });
});
