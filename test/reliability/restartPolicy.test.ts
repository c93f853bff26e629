import * as assert from 'assert';
import { maxRestarts, RestartPolicy, restartWindowMs } from '../../client/src/restartPolicy';

describe('restart policy', () => {
  it('restarts up to the bound', () => {
    const policy = new RestartPolicy(() => 0);
    for (let i = 0; i < maxRestarts; i++) assert.deepStrictEqual(policy.onServerClosed(), { action: 'restart' });
  });

  it('stops with one message', () => {
    const policy = new RestartPolicy(() => 0);
    for (let i = 0; i < maxRestarts; i++) policy.onServerClosed();
    const first = policy.onServerClosed();
    const second = policy.onServerClosed();
    assert.strictEqual(first.action, 'stop');
    assert.match(first.action === 'stop' ? first.message ?? '' : '', /will not be restarted/);
    assert.deepStrictEqual(second, { action: 'stop', message: undefined });
  });

  it('old crashes expire', () => {
    let now = 0;
    const policy = new RestartPolicy(() => now);
    for (let i = 0; i < maxRestarts; i++) policy.onServerClosed();
    now = restartWindowMs + 1;
    assert.deepStrictEqual(policy.onServerClosed(), { action: 'restart' });
  });
});
