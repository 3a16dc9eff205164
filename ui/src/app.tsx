/**
 * @module ui/app — the shell: connection banner, login and pairing screens, navigation, panels.
 *
 * The login screen appears only when there is no usable credential (first visit, or the gateway
 * refused it). Once connected, a dropped connection shows a banner over the panels instead.
 */
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { ConnectionState, GatewayConnection } from './connection.js';
import { ChatPanel } from './panels/chat.js';
import { ChannelsPanel } from './panels/channels.js';
import { ConfigPanel, DevicesPanel, LogsPanel, NodesPanel, OverviewPanel } from './panels/admin.js';

const PANELS = ['chat', 'overview', 'channels', 'nodes', 'devices', 'logs', 'config'] as const;
type Panel = (typeof PANELS)[number];
const TITLES: Record<Panel, string> = { chat: 'Chat', overview: 'Overview', channels: 'Channels', nodes: 'Nodes', devices: 'Devices', logs: 'Logs', config: 'Config' };

export function App({ connection, notices }: { connection: GatewayConnection; notices: readonly string[] }): JSX.Element {
  const [state, setState] = useState<ConnectionState>(connection.state);
  const [panel, setPanel] = useState<Panel>(() => (PANELS as readonly string[]).includes(sessionStorage.getItem('clawgate.panel') ?? '') ? (sessionStorage.getItem('clawgate.panel') as Panel) : 'chat');
  const [hasConnected, setHasConnected] = useState(false);
  useEffect(() => connection.onState(setState), []);
  useEffect(() => {
    if (state.status === 'connected') setHasConnected(true);
  }, [state.status]);
  useEffect(() => sessionStorage.setItem('clawgate.panel', panel), [panel]);

  if (state.status === 'login') return <Login connection={connection} message={state.message} notices={notices} />;
  if (state.status === 'pairing' && !hasConnected) return <Pairing state={state} />;
  if (!hasConnected) {
    return (
      <main class="center" data-testid="connecting">
        <p>{state.status === 'reconnecting' ? `Gateway unreachable, retrying… (${state.message ?? ''})` : 'Connecting…'}</p>
      </main>
    );
  }
  const mainKey = (state.hello?.snapshot as { sessionDefaults?: { mainSessionKey?: string } } | undefined)?.sessionDefaults?.mainSessionKey ?? 'agent:main:main';
  return (
    <div class="shell">
      <nav class="nav" aria-label="Panels">
        <span class="brand">Clawgate</span>
        {PANELS.map((name) => (
          <button key={name} type="button" class={panel === name ? 'tab active' : 'tab'} aria-current={panel === name ? 'page' : undefined} data-testid={`tab-${name}`} onClick={() => setPanel(name)}>
            {TITLES[name]}
          </button>
        ))}
        <span class={`status ${state.status}`} data-testid="connection-status" data-status={state.status} role="status">
          {state.status === 'connected' ? 'connected' : state.status === 'pairing' ? 'waiting for approval' : `reconnecting…${state.queued > 0 ? ` (${state.queued} queued)` : ''}`}
        </span>
        <button type="button" class="ghost" onClick={() => void connection.logout()}>
          Log out
        </button>
      </nav>
      {state.status !== 'connected' ? (
        <div class="banner" role="alert" data-testid="reconnect-banner">
          Connection lost — reconnecting{state.nextRetryMs !== undefined ? ` (next try in ${Math.ceil(state.nextRetryMs / 1000)} s)` : ''}. Messages you send now are queued.
        </div>
      ) : null}
      <main class="content">
        {panel === 'chat' ? <ChatPanel connection={connection} mainKey={mainKey} /> : null}
        {panel === 'overview' ? <OverviewPanel connection={connection} /> : null}
        {panel === 'channels' ? <ChannelsPanel connection={connection} /> : null}
        {panel === 'nodes' ? <NodesPanel connection={connection} /> : null}
        {panel === 'devices' ? <DevicesPanel connection={connection} ownDeviceId={state.deviceId} /> : null}
        {panel === 'logs' ? <LogsPanel connection={connection} /> : null}
        {panel === 'config' ? <ConfigPanel connection={connection} /> : null}
      </main>
    </div>
  );
}

function Login({ connection, message, notices }: { connection: GatewayConnection; message: string | undefined; notices: readonly string[] }): JSX.Element {
  const [secret, setSecret] = useState('');
  const [kind, setKind] = useState<'token' | 'password'>('token');
  return (
    <main class="center">
      <form
        class="login card"
        data-testid="login"
        onSubmit={(event) => {
          event.preventDefault();
          if (secret.trim() !== '') connection.login(secret.trim(), kind);
        }}
      >
        <h1>Clawgate</h1>
        <p class="meta">Enter the gateway secret (from `clawgate gateway token`, or open the link `clawgate dashboard` prints).</p>
        {notices.map((notice) => (
          <p key={notice} class="warning" role="status">
            {notice}
          </p>
        ))}
        {message !== undefined ? (
          <p class="error" role="alert">
            {message}
          </p>
        ) : null}
        <label>
          Gateway secret
          <input type="password" autocomplete="current-password" data-testid="secret" value={secret} onInput={(event) => setSecret((event.target as HTMLInputElement).value)} autofocus />
        </label>
        <fieldset class="kind">
          <label>
            <input type="radio" name="kind" checked={kind === 'token'} onChange={() => setKind('token')} /> Token (kept for this tab)
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'password'} onChange={() => setKind('password')} /> Password (never stored)
          </label>
        </fieldset>
        <button type="submit" class="primary" data-testid="connect">
          Connect
        </button>
      </form>
    </main>
  );
}

function Pairing({ state }: { state: ConnectionState }): JSX.Element {
  return (
    <main class="center">
      <div class="card" data-testid="pairing">
        <h1>Waiting for approval</h1>
        <p>This browser is a new device. Approve it from an admin browser's Devices panel, or on the gateway host:</p>
        <pre class="code">clawgate devices approve {state.requestId ?? '<requestId>'}</pre>
        <p class="meta">
          Device <code>{state.deviceId?.slice(0, 16)}</code>. This page connects by itself once approved.
        </p>
      </div>
    </main>
  );
}
