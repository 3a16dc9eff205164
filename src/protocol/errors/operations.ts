/** @module protocol/errors/operations — error catalogue entries: config editing, services, discovery (issue 13). */
import { defineErrors } from './definition.js';

export const OPERATIONS_ERRORS = defineErrors({
  CONFIG_PATH_UNKNOWN: { wire: 'INVALID_REQUEST', message: 'unknown config path {path}{hint}', retryable: false },
  CONFIG_WRITE_FAILED: { wire: 'UNAVAILABLE', message: 'cannot write config {path}: {reason}', retryable: false },
  SERVICE_MANAGER_UNAVAILABLE: {
    wire: 'UNAVAILABLE',
    message: '{manager} is not available here ({reason}). Fix: run it in the foreground instead: {command}',
    retryable: false,
  },
  SERVICE_COMMAND_FAILED: { wire: 'UNAVAILABLE', message: '{command} failed: {reason}', retryable: false },
  SERVICE_PLATFORM_UNSUPPORTED: {
    wire: 'INVALID_REQUEST',
    message: 'no service manager support for {platform} (systemd on Linux, launchd on macOS). Fix: run it in the foreground: {command}',
    retryable: false,
  },
  DISCOVERY_FAILED: { wire: 'UNAVAILABLE', message: 'mDNS discovery failed: {reason}', retryable: true },
});
