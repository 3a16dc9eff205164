/**
 * @module ui/panels/admin — the operator panels: Overview, Devices, Nodes, Logs, Config.
 *
 * Each is a thin view over one or two read RPCs, re-read on every (re)connect and on the events
 * that change them. Everything a gateway, a device or a node reports is shown as text, never HTML.
 */
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import {
  configGet,
  devicePairApprove,
  devicePairList,
  devicePairReject,
  devicePairRemove,
  health,
  logsTail,
  nodeInvoke,
  nodeList,
  nodePairApprove,
  nodePairList,
  nodePairReject,
  status,
  type EventFrame,
} from '../../../src/protocol/index.js';
import type { GatewayConnection } from '../connection.js';

/** Re-runs `load` on every connect and on the named events. */
function useLive(connection: GatewayConnection, load: () => void, events: readonly string[] = []): void {
  useEffect(() => {
    const offConnected = connection.onConnected(() => load());
    const offEvent = connection.onEvent((event: EventFrame) => {
      if (events.includes(event.event)) load();
    });
    return () => {
      offConnected();
      offEvent();
    };
  }, []);
}

function errorText(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}

function formatMs(ms: number): string {
  const s = Math.floor(ms / 1000);
  const parts = [Math.floor(s / 86400) > 0 ? `${Math.floor(s / 86400)}d` : '', `${Math.floor((s % 86400) / 3600)}h`, `${Math.floor((s % 3600) / 60)}m`, `${s % 60}s`];
  return parts.filter((p) => p !== '').join(' ');
}

export function OverviewPanel({ connection }: { connection: GatewayConnection }): JSX.Element {
  const [data, setData] = useState<{ status?: Record<string, any>; health?: Record<string, any>; error?: string }>({});
  useLive(connection, () => {
    Promise.all([connection.call(status, {} as never), connection.call(health, {} as never)])
      .then(([s, h]) => setData({ status: s as Record<string, any>, health: h as Record<string, any> }))
      .catch((failure: unknown) => setData({ error: errorText(failure) }));
  }, ['health']);
  const gateway = data.status?.['gateway'] ?? {};
  const channels = (data.status?.['channels'] ?? []) as Record<string, unknown>[];
  const rows: [string, string][] = [
    ['Health', data.health?.['ok'] === true ? 'ok' : data.health === undefined ? '…' : 'degraded'],
    ['Version', `${gateway.version ?? '?'} (protocol ${gateway.protocol ?? '?'})`],
    ['Uptime', typeof gateway.uptimeMs === 'number' ? formatMs(gateway.uptimeMs) : '?'],
    ['Bind', `${gateway.bind ?? '?'} port ${gateway.port ?? '?'}`],
    ['Addresses', ((gateway.addresses ?? []) as string[]).join(', ') || '—'],
    ['TLS', gateway.tls === true ? `on${gateway.tlsFingerprint !== undefined ? `, fingerprint ${gateway.tlsFingerprint}` : ''}` : 'off'],
    ['Auth mode', String(gateway.authMode ?? '?')],
    ['Tailscale', gateway.tailscale !== undefined ? `${gateway.tailscale.mode}${gateway.tailscale.url !== undefined ? ` ${gateway.tailscale.url}` : ''}` : 'off'],
    ['Connections', JSON.stringify(data.status?.['connections'] ?? {})],
    ['Sessions', String(data.status?.['sessions']?.count ?? 0)],
  ];
  return (
    <section class="panel" aria-label="Overview">
      <h2>Overview</h2>
      {data.error !== undefined ? <p class="error">{data.error}</p> : null}
      <dl class="facts" data-testid="overview">
        {rows.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3>Channels</h3>
      {channels.length === 0 ? <p class="meta">No channels configured.</p> : null}
      <ul>
        {channels.map((channel, i) => (
          <li key={i}>
            <code>{String(channel['id'] ?? channel['channel'] ?? '?')}</code> {String(channel['status'] ?? (channel['running'] === true ? 'running' : ''))}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DevicesPanel({ connection, ownDeviceId }: { connection: GatewayConnection; ownDeviceId: string | undefined }): JSX.Element {
  const [list, setList] = useState<{ pending: Record<string, any>[]; paired: Record<string, any>[] }>({ pending: [], paired: [] });
  const [error, setError] = useState<string | undefined>(undefined);
  const load = (): void => {
    connection
      .call(devicePairList, {} as never)
      .then((result) => setList(result as never))
      .catch((failure: unknown) => setError(errorText(failure)));
  };
  useLive(connection, load, ['device.pair.requested', 'device.pair.resolved']);
  const act = (run: () => Promise<unknown>): void => {
    run().then(load, (failure: unknown) => setError(errorText(failure)));
  };
  return (
    <section class="panel" aria-label="Devices">
      <h2>Devices</h2>
      {error !== undefined ? <p class="error">{error}</p> : null}
      <h3>Pending requests</h3>
      {list.pending.length === 0 ? <p class="meta">No pending requests.</p> : null}
      <ul class="cards" data-testid="pending-devices">
        {list.pending.map((request) => (
          <li key={request.requestId} class="card" data-testid="pending-device">
            <div>
              <strong>{String(request.displayName ?? request.clientId ?? 'device')}</strong> <code>{String(request.deviceId).slice(0, 16)}</code>
            </div>
            <div class="meta">
              {String(request.role)} · {(request.scopes as string[]).join(', ')} · {String(request.remoteAddress ?? '')} · {String(request.reason)}
            </div>
            <div class="actions">
              <button type="button" class="primary" data-testid="approve-device" onClick={() => act(() => connection.call(devicePairApprove, { requestId: request.requestId }))}>
                Approve
              </button>
              <button type="button" class="danger" onClick={() => act(() => connection.call(devicePairReject, { requestId: request.requestId }))}>
                Reject
              </button>
            </div>
          </li>
        ))}
      </ul>
      <h3>Paired</h3>
      <ul class="cards" data-testid="paired-devices">
        {list.paired.map((device) => (
          <li key={device.deviceId} class="card">
            <div>
              <strong>{String(device.label ?? device.displayName ?? device.clientId ?? 'device')}</strong> <code>{String(device.deviceId).slice(0, 16)}</code>
              {device.deviceId === ownDeviceId ? <span class="badge">this browser</span> : null}
            </div>
            <div class="meta">
              {(device.roles as string[]).join(', ')} · via {String(device.approvedVia)} · last seen {device.lastSeenAtMs !== undefined ? new Date(device.lastSeenAtMs).toLocaleString() : 'never'}
            </div>
            <div class="actions">
              <button type="button" class="danger" onClick={() => confirm('Revoke this device? It must pair again.') && act(() => connection.call(devicePairRemove, { deviceId: device.deviceId }))}>
                Revoke
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function NodesPanel({ connection }: { connection: GatewayConnection }): JSX.Element {
  const [nodes, setNodes] = useState<Record<string, any>[]>([]);
  const [pending, setPending] = useState<Record<string, any>[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const load = (): void => {
    connection
      .call(nodeList, {} as never)
      .then((result) => setNodes((result as { nodes: Record<string, any>[] }).nodes))
      .catch((failure: unknown) => setError(errorText(failure)));
    connection
      .call(nodePairList, {} as never)
      .then((result) => setPending((result as { pending: Record<string, any>[] }).pending))
      .catch(() => undefined);
  };
  useLive(connection, load, ['node.presence', 'node.pair.requested', 'node.pair.resolved', 'presence']);
  return (
    <section class="panel" aria-label="Nodes">
      <h2>Nodes</h2>
      {error !== undefined ? <p class="error">{error}</p> : null}
      {pending.length > 0 ? <h3>Command surfaces waiting for approval</h3> : null}
      <ul class="cards">
        {pending.map((request) => (
          <li key={request.requestId} class="card" data-testid="pending-node">
            <div>
              <strong>{String(request.displayName ?? request.nodeId)}</strong> wants to offer: <code>{((request.commands ?? []) as string[]).join(', ')}</code>
            </div>
            <div class="meta">needs {((request.requiredApproveScopes ?? []) as string[]).join(', ')}</div>
            <div class="actions">
              <button type="button" class="primary" onClick={() => connection.call(nodePairApprove, { requestId: request.requestId }).then(load, (failure: unknown) => setError(errorText(failure)))}>
                Approve
              </button>
              <button type="button" class="danger" onClick={() => connection.call(nodePairReject, { requestId: request.requestId }).then(load, (failure: unknown) => setError(errorText(failure)))}>
                Reject
              </button>
            </div>
          </li>
        ))}
      </ul>
      {nodes.length === 0 ? <p class="meta">No nodes. Run `clawgate node run` on a machine to add one.</p> : null}
      <ul class="cards">
        {nodes.map((node) => (
          <li key={node.nodeId} class="card">
            <div>
              <strong>{String(node.displayName ?? node.nodeId)}</strong> <span class={node.connected === true ? 'badge ok' : 'badge'}>{node.connected === true ? 'connected' : 'offline'}</span>
            </div>
            <div class="meta">
              {String(node.platform ?? '')} · {node.paired === true ? 'paired' : 'not paired'}
            </div>
            <div class="meta">commands: {((node.commands ?? []) as string[]).join(', ') || '—'}</div>
            {node.connected === true ? <InvokeForm connection={connection} nodeId={String(node.nodeId)} commands={(node.commands ?? []) as string[]} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Invoke one of a node's commands with JSON params and show the result (as text). */
function InvokeForm({ connection, nodeId, commands }: { connection: GatewayConnection; nodeId: string; commands: string[] }): JSX.Element {
  const [command, setCommand] = useState(commands[0] ?? '');
  const [params, setParams] = useState('{}');
  const [result, setResult] = useState<string | undefined>(undefined);
  const invoke = (event: Event): void => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(params || '{}');
    } catch {
      setResult('params must be JSON');
      return;
    }
    setResult('running…');
    connection
      .call(nodeInvoke, { nodeId, command, params: parsed, idempotencyKey: crypto.randomUUID() })
      .then((answer) => setResult(JSON.stringify(answer.payload, null, 2)))
      .catch((failure: unknown) => setResult(errorText(failure)));
  };
  return (
    <form class="invoke" onSubmit={invoke}>
      <label>
        Command{' '}
        <select value={command} onChange={(event) => setCommand((event.target as HTMLSelectElement).value)}>
          {commands.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        Params <input value={params} size={30} onInput={(event) => setParams((event.target as HTMLInputElement).value)} />
      </label>{' '}
      <button type="submit">Invoke</button>
      {result !== undefined ? <pre class="code">{result}</pre> : null}
    </form>
  );
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
const LEVEL_NUMBERS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const MAX_LOG_LINES = 2000;

export function LogsPanel({ connection }: { connection: GatewayConnection }): JSX.Element {
  const [lines, setLines] = useState<{ level: string; text: string }[]>([]);
  const [minLevel, setMinLevel] = useState<string>('info');
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let cursor: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let isStopped = false;
    const poll = (): void => {
      if (isStopped) return;
      // The gateway pushes no `logs` event: poll `logs.tail` with its cursor (only new lines come
      // back), and not at all while the tab is hidden.
      if (connection.state.status !== 'connected' || document.visibilityState === 'hidden') {
        timer = setTimeout(poll, 2000);
        return;
      }
      connection
        .call(logsTail, cursor === undefined ? { limit: 200 } : { cursor, limit: 500 })
        .then((result) => {
          cursor = result.cursor;
          const parsed = result.lines.map(parseLine);
          setLines((old) => (result.reset === true ? parsed : [...old, ...parsed]).slice(-MAX_LOG_LINES));
          setError(undefined);
        })
        .catch((failure: unknown) => setError(errorText(failure)))
        .finally(() => {
          timer = setTimeout(poll, 2000);
        });
    };
    poll();
    return () => {
      isStopped = true;
      clearTimeout(timer);
    };
  }, []);
  const threshold = LEVELS.indexOf(minLevel as (typeof LEVELS)[number]);
  const shown = lines.filter((line) => LEVELS.indexOf(line.level as (typeof LEVELS)[number]) >= threshold || line.level === '?');
  return (
    <section class="panel" aria-label="Logs">
      <h2>Logs</h2>
      <label>
        Level{' '}
        <select value={minLevel} onChange={(event) => setMinLevel((event.target as HTMLSelectElement).value)}>
          {LEVELS.map((level) => (
            <option key={level} value={level}>
              {level}
            </option>
          ))}
        </select>
      </label>
      {error !== undefined ? <p class="error">{error}</p> : null}
      <pre class="logs code" data-testid="logs">
        {shown.map((line, i) => (
          <div key={i} class={`log ${line.level}`}>
            {line.text}
          </div>
        ))}
      </pre>
    </section>
  );
}

function parseLine(text: string): { level: string; text: string } {
  try {
    const record = JSON.parse(text) as { level?: number | string; time?: number; msg?: string };
    const level = typeof record.level === 'number' ? (LEVEL_NUMBERS[record.level] ?? '?') : String(record.level ?? '?');
    const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '';
    return { level, text: `${time} ${level.toUpperCase().padEnd(5)} ${record.msg ?? ''} ${JSON.stringify({ ...record, level: undefined, time: undefined, msg: undefined, pid: undefined, hostname: undefined })}` };
  } catch {
    return { level: '?', text };
  }
}

export function ConfigPanel({ connection }: { connection: GatewayConnection }): JSX.Element {
  const [text, setText] = useState('…');
  useLive(connection, () => {
    connection
      .call(configGet, {} as never)
      .then((result) => setText(`// ${result.path}${result.exists ? '' : ' (not created yet)'} — secrets redacted, read-only\n${JSON.stringify(result.config, null, 2)}`))
      .catch((failure: unknown) => setText(errorText(failure)));
  });
  return (
    <section class="panel" aria-label="Config">
      <h2>Config</h2>
      <pre class="code" data-testid="config">
        {text}
      </pre>
    </section>
  );
}
