// Key → intent, a pure mapping (ink's useInput gives input and key flags).
import type { Action } from './state.js';

export interface KeyFlags {
  tab?: boolean;
  escape?: boolean;
  ctrl?: boolean;
}

/** Feature toggles: 1–9, 0, = for the eleven features in `exitsim list features` order. */
export const FEATURE_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '='];

export function keyToAction(input: string, key: KeyFlags): Action | null {
  if (key.tab) return { type: 'focus-next' };
  if (key.escape || input === 'q' || (key.ctrl && input === 'c')) return { type: 'quit' };
  switch (input) {
    case ' ':
    case 'p':
      return { type: 'toggle-pause' };
    case 'n':
      return { type: 'step' };
    case '+':
    case ']':
      return { type: 'faster' };
    case '-':
    case '[':
      return { type: 'slower' };
    case 'm':
      return { type: 'max-speed' };
    case 's':
      return { type: 'save' };
  }
  const i = FEATURE_KEYS.indexOf(input);
  return i >= 0 ? { type: 'toggle-feature', index: i } : null;
}

/**
 * Every key of one input chunk, in order: keys typed (or sent) faster than the
 * screen reads them arrive together (" 7"), and each must count.
 */
export function keysToActions(input: string, key: KeyFlags): Action[] {
  if (key.tab || key.escape || key.ctrl || input.length <= 1) {
    const a = keyToAction(input, key);
    return a ? [a] : [];
  }
  return [...input].map((ch) => keyToAction(ch, {})).filter((a): a is Action => a !== null);
}

/** The keys, most needed first; the screen wraps them onto as many lines as its width needs. */
export const HELP_ITEMS = ['[q] quit', '[s] save', '[space] pause', '[n] step', '[+/-] speed', '[m] max', '[tab] focus', '[1-9,0,=] toggle feature'];
