/**
 * @module ui/identity — this browser profile's device: an Ed25519 key pair in IndexedDB, and the
 * device token the gateway issued to it.
 *
 * Pure-JS Ed25519 and SHA-2 (@noble), so pairing works on plain-HTTP LAN and tunnel origins where
 * `crypto.subtle` is absent. The device id is the hex SHA-256 of the raw public key, and the
 * signature covers the same v3 payload as every other device (protocol/device-auth-payload.ts).
 * The private key never leaves IndexedDB except into the signer.
 */
import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { base64UrlEncode, buildDeviceAuthPayload, type DeviceAuthFields, type DeviceProof } from '../../src/protocol/index.js';

ed.hashes.sha512 = sha512;

export interface BrowserIdentity {
  deviceId: string;
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

const DB_NAME = 'clawgate-control-ui';
const STORE = 'kv';
const IDENTITY_KEY = 'device-identity-v1';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB unavailable'));
  });
}

async function withStore<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = run(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
    });
  } finally {
    db.close();
  }
}

export function readValue<T>(key: string): Promise<T | undefined> {
  return withStore('readonly', (store) => store.get(key) as IDBRequest<T | undefined>);
}

export async function writeValue(key: string, value: unknown): Promise<void> {
  await withStore('readwrite', (store) => store.put(value, key));
}

export async function deleteValue(key: string): Promise<void> {
  await withStore('readwrite', (store) => store.delete(key));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** This profile's identity, created on first use. A stored id that does not match its key is recomputed. */
export async function loadIdentity(): Promise<BrowserIdentity> {
  const stored = await readValue<{ secretKey: Uint8Array }>(IDENTITY_KEY).catch(() => undefined);
  const secretKey = stored?.secretKey instanceof Uint8Array && stored.secretKey.length === 32 ? stored.secretKey : ed.utils.randomSecretKey();
  if (stored === undefined) await writeValue(IDENTITY_KEY, { version: 1, secretKey, createdAtMs: Date.now() }).catch(() => undefined);
  const publicKey = ed.getPublicKey(secretKey);
  return { deviceId: hex(sha256(publicKey)), publicKey, secretKey };
}

/** Signs the v3 payload for one connect challenge. */
export function signProof(identity: BrowserIdentity, fields: Omit<DeviceAuthFields, 'deviceId'>): DeviceProof {
  const payload = buildDeviceAuthPayload('v3', { ...fields, deviceId: identity.deviceId });
  const signature = ed.sign(new TextEncoder().encode(payload), identity.secretKey);
  return { id: identity.deviceId, publicKey: base64UrlEncode(identity.publicKey), signature: base64UrlEncode(signature), signedAt: fields.signedAtMs, nonce: fields.nonce };
}

/** The device token key for this gateway origin (one profile may talk to several gateways). */
export function deviceTokenKey(origin: string): string {
  return `device-token:${origin}`;
}
