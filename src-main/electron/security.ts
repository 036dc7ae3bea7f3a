/**
 * The window's security policy, kept in one place so the shell test can check it.
 * 'unsafe-inline' styles: CodeMirror and the chart library inject style elements at run time.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** In `electron-vite dev` the renderer comes from Vite's dev server, which needs its inline preamble. */
export const devContentSecurityPolicy = (devOrigin: string): string =>
  CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'",
    `script-src 'self' 'unsafe-inline' ${devOrigin}`,
  ).replace("connect-src 'self'", `connect-src 'self' ${devOrigin} ${devOrigin.replace(/^http/, 'ws')}`);

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  webSecurity: true,
  webviewTag: false,
  allowRunningInsecureContent: false,
} as const;

/** Frames the router accepts calls from: the packaged renderer file, or the dev server. */
export function trustedFrameCheck(
  rendererFileUrl: string,
  devUrl: string | undefined,
): (url: string) => boolean {
  const devOrigin = devUrl ? new URL(devUrl).origin : undefined;
  return (url) => {
    if (devOrigin !== undefined) {
      try {
        return new URL(url).origin === devOrigin;
      } catch {
        return false;
      }
    }
    return url.split('#')[0]?.split('?')[0] === rendererFileUrl;
  };
}
