/** The one IPC channel main uses to push events ({ name, payload }) to the renderer. */
export const EVENT_CHANNEL = 'qd:event';
