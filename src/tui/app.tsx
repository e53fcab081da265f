// The TUI: state (reducer), input (key mapping) and view, wired to a live
// run in a worker thread. At most two contexts' worth of plumbing: props.
import { useEffect, useReducer, useRef } from 'react';
import { useApp, useInput, useStdout } from 'ink';
import type { LiveCommand, LiveFrame } from '../experiment/live.js';
import { initialState, reduce } from './state.js';
import { keysToActions } from './keys.js';
import { Screen } from './view.js';

export interface LiveSource {
  command(c: LiveCommand): void;
  stop(): void;
}

export type LiveSourceFactory = (featureSets: number[], speed: number, onFrame: (f: LiveFrame) => void, onError: (message: string) => void) => LiveSource;

export interface AppProps {
  title: string;
  featureSets: number[];
  speed: number;
  start: LiveSourceFactory;
  /** Saves the latest frame's runs; returns a message for the status line. */
  save: (frame: LiveFrame) => string;
  width?: number;
  height?: number;
}

export function App({ title, featureSets, speed, start, save, width, height }: AppProps) {
  const [state, dispatch] = useReducer(reduce, undefined, () => initialState(featureSets, speed));
  const { exit } = useApp();
  const { stdout } = useStdout();
  const source = useRef<LiveSource | null>(null);

  // (Re)start the live run whenever the feature sets change: a paired restart.
  useEffect(() => {
    const src = start(state.featureSets, state.speed, (frame) => dispatch({ type: 'frame', frame }), (message) => dispatch({ type: 'message', text: `error: ${message}` }));
    source.current = src;
    if (state.paused) src.command({ type: 'pause' });
    return () => src.stop();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.generation]);

  useEffect(() => {
    source.current?.command({ type: 'speed', simSecondsPerWallSec: state.speed });
  }, [state.speed]);

  useEffect(() => {
    source.current?.command({ type: state.paused ? 'pause' : 'resume' });
  }, [state.paused]);

  useEffect(() => {
    if (state.quitting) {
      source.current?.stop();
      exit();
    }
  }, [state.quitting, exit]);

  useInput((input, key) => {
    for (const action of keysToActions(input, key)) {
      dispatch(action);
      if (action.type === 'step') source.current?.command({ type: 'step' });
      if (action.type === 'save') {
        dispatch({ type: 'message', text: state.frame ? save(state.frame) : 'nothing to save yet' });
      }
    }
  });

  const w = width ?? stdout?.columns ?? 80;
  const h = height ?? stdout?.rows ?? 24;
  return <Screen state={state} width={w - 1} height={h} title={title} />;
}
