/**
 * @module ui/panels/channels — the Channels panel: each channel account's status (from
 * `channels.status`), its DM access requests (`channels.pairing.list`) with approve / dismiss, and
 * start / stop for admins.
 *
 * The gateway pushes no channel events, so the panel re-reads on every (re)connect, after each
 * action, and every 5 s while the panel is open and the tab visible. Everything shown is text.
 */
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { channelsPairingApprove, channelsPairingDismiss, channelsPairingList, channelsStart, channelsStatus, channelsStop, type ChannelPairingListResult, type ChannelsStatusResult } from '../../../src/protocol/index.js';
import type { GatewayConnection } from '../connection.js';

const REFRESH_MS = 5000;

function errorText(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}

function when(ms: unknown): string {
  return typeof ms === 'number' && ms > 0 ? new Date(ms).toLocaleString() : 'never';
}

function yesNo(value: unknown): string {
  return value === true ? 'yes' : value === false ? 'no' : '?';
}

type Account = Record<string, unknown> & { accountId: string };
type Request = ChannelPairingListResult['requests'][number];

export function ChannelsPanel({ connection }: { connection: GatewayConnection }): JSX.Element {
  const [status, setStatus] = useState<ChannelsStatusResult | undefined>(undefined);
  const [requests, setRequests] = useState<Request[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const load = (): void => {
    if (connection.state.status !== 'connected') return;
    connection
      .call(channelsStatus, {})
      .then((result) => {
        setStatus(result);
        setError(undefined);
      })
      .catch((failure: unknown) => setError(errorText(failure)));
    connection
      .call(channelsPairingList, {})
      .then((result) => setRequests(result.requests))
      .catch(() => undefined);
  };
  useEffect(() => {
    load();
    const offConnected = connection.onConnected(load);
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') load();
    }, REFRESH_MS);
    return () => {
      offConnected();
      clearInterval(timer);
    };
  }, []);
  const act = (run: () => Promise<unknown>, done?: string): void => {
    run().then(
      () => {
        setNotice(done);
        load();
      },
      (failure: unknown) => setError(errorText(failure)),
    );
  };
  const order = status?.channelOrder ?? [];
  return (
    <section class="panel" aria-label="Channels">
      <h2>Channels</h2>
      {error !== undefined ? <p class="error">{error}</p> : null}
      {notice !== undefined ? (
        <p class="meta" role="status">
          {notice}
        </p>
      ) : null}
      {status !== undefined && order.length === 0 ? <p class="meta">No channels configured. Add one under `channels` in the config (e.g. `channels.telegram.botToken`).</p> : null}
      <ul class="cards" data-testid="channel-accounts">
        {order.flatMap((channel) =>
          ((status?.channelAccounts[channel] ?? []) as Account[]).map((account) => (
            <li key={`${channel}/${account.accountId}`} class="card" data-testid="channel-account" data-channel={channel}>
              <div>
                <strong>{status?.channelLabels[channel] ?? channel}</strong> <code>{account.accountId}</code>{' '}
                <span class={account['connected'] === true ? 'badge ok' : 'badge'} data-testid="channel-lifecycle">
                  {String(account['lifecycle'] ?? (account['running'] === true ? 'running' : 'stopped'))}
                </span>
              </div>
              <dl class="facts">
                {(
                  [
                    ['Configured', yesNo(account['configured'])],
                    ['Running', yesNo(account['running'])],
                    ['Connected', yesNo(account['connected'])],
                    ['Mode', String(account['mode'] ?? '—')],
                    ['Last inbound', when(account['lastInboundAt'])],
                    ['Last outbound', when(account['lastOutboundAt'])],
                  ] as const
                ).map(([name, value]) => (
                  <div key={name}>
                    <dt>{name}</dt>
                    <dd>{value}</dd>
                  </div>
                ))}
              </dl>
              {typeof account['lastError'] === 'string' && account['lastError'] !== '' ? (
                <p class="error" data-testid="channel-error">
                  Last error: {account['lastError']}
                </p>
              ) : null}
              {(status?.statusIssues ?? [])
                .filter((issue) => issue.channel === channel && issue.accountId === account.accountId)
                .map((issue, i) => (
                  <p key={i} class="warning">
                    {issue.message}
                    {issue.fix !== undefined ? ` — ${issue.fix}` : ''}
                  </p>
                ))}
              <div class="actions">
                {account['running'] === true ? (
                  <button type="button" class="danger" data-testid="channel-stop" onClick={() => act(() => connection.call(channelsStop, { channel, accountId: account.accountId }), `${channel} stopped`)}>
                    Stop
                  </button>
                ) : (
                  <button type="button" data-testid="channel-start" onClick={() => act(() => connection.call(channelsStart, { channel, accountId: account.accountId }), `${channel} started`)}>
                    Start
                  </button>
                )}
              </div>
            </li>
          )),
        )}
      </ul>
      <h3>DM access requests</h3>
      {requests.length === 0 ? <p class="meta">No one is waiting for access.</p> : null}
      <ul class="cards" data-testid="channel-requests">
        {requests.map((request) => (
          <li key={request.requestId} class="card" data-testid="channel-request">
            <div>
              <strong>{request.senderLabel ?? request.senderId}</strong> on {request.channelLabel} <code>{request.senderId}</code>
              {request.code !== undefined ? (
                <>
                  {' '}
                  code <code>{request.code}</code>
                </>
              ) : null}
            </div>
            <div class="meta">
              asked {when(request.createdAt)} · expires {when(request.expiresAt)}
              {request.metadata !== undefined ? ` · ${Object.entries(request.metadata).map(([k, v]) => `${k}: ${v}`).join(', ')}` : ''}
            </div>
            <div class="actions">
              <button
                type="button"
                class="primary"
                data-testid="approve-channel-request"
                onClick={() =>
                  act(
                    () => connection.call(channelsPairingApprove, { channel: request.channel, accountId: request.accountId, requestId: request.requestId, notify: request.notifySupported }),
                    `${request.senderLabel ?? request.senderId} may now message the bot`,
                  )
                }
              >
                Approve
              </button>
              <button type="button" class="danger" data-testid="dismiss-channel-request" onClick={() => act(() => connection.call(channelsPairingDismiss, { channel: request.channel, accountId: request.accountId, requestId: request.requestId }), 'request dismissed')}>
                Dismiss
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
