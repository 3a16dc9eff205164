/**
 * @module protocol/methods/devices — params, results and events of device pairing and device tokens:
 * device.pair.list|approve|reject|remove|setupCode, device.token.rotate|revoke,
 * events device.pair.requested|resolved. Shapes follow OpenClaw's `schema/devices.ts`; token values
 * are never listed, only summarized.
 */
import Type, { type Static } from 'typebox';
import { defineContract } from '../contract.js';

const Closed = { additionalProperties: false } as const;
const NonEmptyString = Type.String({ minLength: 1 });
const Ms = Type.Integer({ minimum: 0 });
const Role = Type.Union([Type.Literal('operator'), Type.Literal('node')]);
const DeviceId = Type.String({ minLength: 1, maxLength: 128 });

const DeviceMetadataFields = {
  displayName: Type.Optional(Type.String()),
  platform: Type.Optional(Type.String()),
  deviceFamily: Type.Optional(Type.String()),
  clientId: Type.Optional(Type.String()),
  clientMode: Type.Optional(Type.String()),
};

export const PairingRequestSchema = Type.Object(
  {
    requestId: NonEmptyString,
    deviceId: NonEmptyString,
    publicKey: NonEmptyString,
    ...DeviceMetadataFields,
    role: NonEmptyString,
    scopes: Type.Array(Type.String()),
    reason: Type.Union([Type.Literal('not-paired'), Type.Literal('role-upgrade'), Type.Literal('scope-upgrade')]),
    remoteAddress: Type.Optional(Type.String()),
    createdAtMs: Ms,
    expiresAtMs: Ms,
  },
  Closed,
);
export type PairingRequestView = Static<typeof PairingRequestSchema>;

export const DeviceTokenSummarySchema = Type.Object(
  {
    role: NonEmptyString,
    scopes: Type.Array(Type.String()),
    issuedAtMs: Ms,
    rotatedAtMs: Type.Optional(Ms),
    revokedAtMs: Type.Optional(Ms),
    lastUsedAtMs: Type.Optional(Ms),
  },
  Closed,
);

export const PairedDeviceSchema = Type.Object(
  {
    deviceId: NonEmptyString,
    publicKey: NonEmptyString,
    ...DeviceMetadataFields,
    roles: Type.Array(Type.String()),
    scopes: Type.Array(Type.String()),
    approvedVia: NonEmptyString,
    label: Type.Optional(Type.String()),
    remoteAddress: Type.Optional(Type.String()),
    createdAtMs: Ms,
    approvedAtMs: Ms,
    lastSeenAtMs: Type.Optional(Ms),
    tokens: Type.Array(DeviceTokenSummarySchema),
  },
  Closed,
);
export type PairedDeviceView = Static<typeof PairedDeviceSchema>;

export const DevicePairListParamsSchema = Type.Object({}, Closed);
export const DevicePairListResultSchema = Type.Object(
  { pending: Type.Array(PairingRequestSchema), paired: Type.Array(PairedDeviceSchema) },
  Closed,
);

export const DevicePairApproveParamsSchema = Type.Object({ requestId: NonEmptyString }, Closed);
export const DevicePairApproveResultSchema = Type.Object({ requestId: NonEmptyString, device: PairedDeviceSchema }, Closed);

export const DevicePairRejectParamsSchema = Type.Object({ requestId: NonEmptyString }, Closed);
export const DevicePairRejectResultSchema = Type.Object({ requestId: NonEmptyString, deviceId: NonEmptyString }, Closed);

/** `device.pair.rename` (OpenClaw `DevicePairRenameParams`): an operator-set label, 1–64 characters. */
export const DevicePairRenameParamsSchema = Type.Object({ deviceId: DeviceId, label: Type.String({ minLength: 1, maxLength: 64 }) }, Closed);
export const DevicePairRenameResultSchema = Type.Object({ deviceId: NonEmptyString, label: NonEmptyString }, Closed);

export const DevicePairRemoveParamsSchema = Type.Object({ deviceId: DeviceId }, Closed);
export const DevicePairRemoveResultSchema = Type.Object({ deviceId: NonEmptyString, removed: Type.Literal(true) }, Closed);

export const DeviceTokenRotateParamsSchema = Type.Object(
  { deviceId: DeviceId, role: Role, scopes: Type.Optional(Type.Array(NonEmptyString, { maxItems: 32 })) },
  Closed,
);
export type DeviceTokenRotateParams = Static<typeof DeviceTokenRotateParamsSchema>;
export const DeviceTokenRotateResultSchema = Type.Object(
  {
    deviceId: NonEmptyString,
    role: NonEmptyString,
    scopes: Type.Array(Type.String()),
    issuedAtMs: Ms,
    /** The new bearer: only for the device itself or an admin caller (to hand over by hand). */
    deviceToken: Type.Optional(NonEmptyString),
  },
  Closed,
);

export const DeviceTokenRevokeParamsSchema = Type.Object({ deviceId: DeviceId, role: Role }, Closed);
export const DeviceTokenRevokeResultSchema = Type.Object({ deviceId: NonEmptyString, role: NonEmptyString, revokedAtMs: Ms }, Closed);

/** Bounds of a setup code's lifetime: 10 seconds to 24 hours (default 10 minutes). */
export const SETUP_CODE_MIN_TTL_MS = 10_000;
export const SETUP_CODE_MAX_TTL_MS = 24 * 60 * 60 * 1000;

export const DevicePairSetupCodeParamsSchema = Type.Object(
  {
    ttlMs: Type.Optional(Type.Integer({ minimum: SETUP_CODE_MIN_TTL_MS, maximum: SETUP_CODE_MAX_TTL_MS })),
    /** Gateway URL to put in the code (default: derived from the bind address). */
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    /**
     * Clawgate extension: `pair` (default) waits for approval; `owner` logs the first browser that
     * claims it straight in as an operator (`clawgate dashboard`'s one-time link).
     */
    profile: Type.Optional(Type.Union([Type.Literal('pair'), Type.Literal('owner')])),
  },
  Closed,
);
export const DevicePairSetupCodeResultSchema = Type.Object(
  {
    setupCode: NonEmptyString,
    setupLink: NonEmptyString,
    url: NonEmptyString,
    bootstrapToken: NonEmptyString,
    expiresAtMs: Ms,
    tlsFingerprint: Type.Optional(NonEmptyString),
  },
  Closed,
);

/** `device.pair.requested` payload: the pending request, plus OpenClaw's `isRepair`/`silent` flags. */
export type DevicePairRequestedEvent = PairingRequestView & { roles: string[]; isRepair: boolean; silent: boolean; ts: number };

/** `device.pair.resolved` payload. */
export interface DevicePairResolvedEvent {
  requestId: string;
  deviceId: string;
  decision: 'approved' | 'rejected';
  ts: number;
}

// ---- contracts ----

/**
 * Approving a device or touching its tokens needs every scope the device holds or asks for (an
 * approver cannot grant what it lacks), and admin for node devices; the params do not say which, so
 * a client asks for admin, which satisfies them all. The gateway grants only what the credential allows.
 */
const mayNeedAdmin = (): readonly ['operator.admin'] => ['operator.admin'];

/** `device.pair.list`: pending pairing requests and paired devices. */
export const devicePairList = defineContract({ name: 'device.pair.list', access: 'operator.pairing', params: DevicePairListParamsSchema, result: DevicePairListResultSchema });

/** `device.pair.approve`: pairs the device of a pending request. */
export const devicePairApprove = defineContract({
  name: 'device.pair.approve',
  access: 'operator.pairing',
  params: DevicePairApproveParamsSchema,
  result: DevicePairApproveResultSchema,
  dynamicScopes: mayNeedAdmin,
});

/** `device.pair.reject`: drops a pending request. */
export const devicePairReject = defineContract({ name: 'device.pair.reject', access: 'operator.pairing', params: DevicePairRejectParamsSchema, result: DevicePairRejectResultSchema });

/** `device.pair.rename`: sets a paired device's label. */
export const devicePairRename = defineContract({ name: 'device.pair.rename', access: 'operator.pairing', params: DevicePairRenameParamsSchema, result: DevicePairRenameResultSchema });

/** `device.pair.remove`: forgets a paired device (its tokens stop working). */
export const devicePairRemove = defineContract({ name: 'device.pair.remove', access: 'operator.pairing', params: DevicePairRemoveParamsSchema, result: DevicePairRemoveResultSchema });

/** `device.token.rotate`: replaces a device's token for a role. */
export const deviceTokenRotate = defineContract({
  name: 'device.token.rotate',
  access: 'operator.pairing',
  params: DeviceTokenRotateParamsSchema,
  result: DeviceTokenRotateResultSchema,
  dynamicScopes: mayNeedAdmin,
});

/** `device.token.revoke`: revokes a device's token for a role. */
export const deviceTokenRevoke = defineContract({
  name: 'device.token.revoke',
  access: 'operator.pairing',
  params: DeviceTokenRevokeParamsSchema,
  result: DeviceTokenRevokeResultSchema,
  dynamicScopes: mayNeedAdmin,
});

/** `device.pair.setupCode`: mints a one-time setup code; admin-only, as in OpenClaw. */
export const devicePairSetupCode = defineContract({ name: 'device.pair.setupCode', access: 'operator.admin', params: DevicePairSetupCodeParamsSchema, result: DevicePairSetupCodeResultSchema });

/** The device family, for tables and tests. */
export const DEVICE_CONTRACTS = [devicePairList, devicePairApprove, devicePairReject, devicePairRename, devicePairRemove, deviceTokenRotate, deviceTokenRevoke, devicePairSetupCode] as const;
