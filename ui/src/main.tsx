/**
 * @module ui/main — entry: take launch credentials off the URL first, then start the connection.
 */
import { render } from 'preact';
import { App } from './app.js';
import { GatewayConnection } from './connection.js';
import { storedToken, takeLaunchCredentials } from './credentials.js';
import './styles.css';

const launch = takeLaunchCredentials();
const notices = launch.ignored.length > 0 ? [`Ignored ${launch.ignored.map((key) => `?${key}=`).join(', ')} in the link: secrets and gateway addresses are never taken from a URL query.`] : [];
const connection = new GatewayConnection();
render(<App connection={connection} notices={notices} />, document.getElementById('app')!);
void connection.start({ token: launch.token ?? storedToken(), bootstrapToken: launch.bootstrapToken });
