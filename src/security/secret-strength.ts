/** @module security/secret-strength — re-exports config/secret-strength (the gateway's startup check uses the same estimate). */
export { estimateSecretBits, isTokenStrongForExposure, poolBits, shannonBits, MINIMUM_EXPOSED_PASSWORD_BITS, MINIMUM_TOKEN_BITS, RECOMMENDED_TOKEN_BITS } from '../config/secret-strength.js';
