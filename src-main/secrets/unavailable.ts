import { AppError } from '../errors.js';

/**
 * What the user must do when no keychain answers, per platform. The renderer shows `message`
 * as is, so it names concrete things to install or start; docs/secrets.md says more.
 */
export function keychainHelp(platform: NodeJS.Platform): string {
  const lead =
    'Quantdesk could not reach your system keychain, so it cannot store or read API keys and tokens (it never keeps them in plain text instead).';
  switch (platform) {
    case 'linux':
      return (
        `${lead} Install and start a Secret Service provider — gnome-keyring (e.g. "sudo apt install gnome-keyring") ` +
        'or KeePassXC with "Secret Service integration" enabled — in a desktop session with a D-Bus session bus ' +
        '(DBUS_SESSION_BUS_ADDRESS set), unlock the keyring, then try again. If Quantdesk was started before the ' +
        'session bus existed, restart it.'
      );
    case 'darwin':
      return `${lead} Unlock your login keychain (Keychain Access) and allow Quantdesk when macOS asks, then try again.`;
    case 'win32':
      return `${lead} Windows Credential Manager must be available: use a normal signed-in user session (not a service account), then try again.`;
    default:
      return `${lead} This platform (${platform}) has no supported keychain.`;
  }
}

export function keychainUnavailable(platform: NodeJS.Platform, cause: string): AppError {
  // `cause` is the keychain library's own error text (bus address, "locked", …): useful in a bug
  // report, and it never contains a secret value because values are not part of keyring errors.
  return new AppError('UNAVAILABLE', keychainHelp(platform), { cause: cause.slice(0, 300), platform });
}
