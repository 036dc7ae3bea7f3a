import type { Handlers } from '../ipc/router.js';
import type { PreferencesService } from './preferences-service.js';

type UserHandlers = Pick<
  Handlers,
  'user.getMode' | 'user.setMode' | 'user.getPreferences' | 'user.updatePreferences'
>;

export function userHandlers(prefs: PreferencesService): UserHandlers {
  return {
    'user.getMode': (_input, ctx) => ({ mode: prefs.getMode(ctx.userId) }),
    'user.setMode': (input, ctx) => ({ mode: prefs.setMode(ctx.userId, input.mode) }),
    'user.getPreferences': (_input, ctx) => prefs.get(ctx.userId),
    'user.updatePreferences': (input, ctx) => {
      const next = prefs.update(ctx.userId, input);
      ctx.emit('preferences.changed', next);
      return next;
    },
  };
}
