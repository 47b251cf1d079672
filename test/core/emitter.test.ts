/**
 * The runtime-neutral EventEmitter against Node's own as the oracle, for the members that
 * @types/pg's EventEmitter shape adds (prependOnceListener, rawListeners, max listeners).
 */
import { EventEmitter as NodeEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EventEmitter } from '../../src/core/emitter';

function trace(emitter: EventEmitter | NodeEmitter): string[] {
  const calls: string[] = [];
  emitter.on('e', (v) => calls.push(`on:${v}`));
  emitter.prependOnceListener('e', (v) => calls.push(`prependOnce:${v}`));
  emitter.once('e', (v) => calls.push(`once:${v}`));
  calls.push(`raw:${emitter.rawListeners('e').length}`, `listeners:${emitter.listeners('e').length}`);
  emitter.emit('e', 1);
  emitter.emit('e', 2);
  calls.push(`raw:${emitter.rawListeners('e').length}`);
  return calls;
}

describe('EventEmitter', () => {
  it('orders prependOnceListener and once like Node and counts raw listeners the same', () => {
    expect(trace(new EventEmitter())).toEqual(trace(new NodeEmitter()));
  });

  it('off(listener) removes a prependOnceListener registration, as in Node', () => {
    for (const emitter of [new EventEmitter(), new NodeEmitter()]) {
      const listener = () => {
        throw new Error('removed listener ran');
      };
      emitter.prependOnceListener('e', listener);
      emitter.off('e', listener);
      expect(emitter.emit('e')).toBe(false);
    }
  });

  it('keeps setMaxListeners/getMaxListeners (default 10) and rejects what Node rejects', () => {
    const ours = new EventEmitter();
    const node = new NodeEmitter();
    expect(ours.getMaxListeners()).toBe(node.getMaxListeners());
    expect(ours.setMaxListeners(0)).toBe(ours);
    expect(ours.getMaxListeners()).toBe(0);
    for (const bad of [-1, Number.NaN, '3' as unknown as number]) {
      const thrown = (emitter: EventEmitter | NodeEmitter) => {
        try {
          emitter.setMaxListeners(bad);
        } catch (error) {
          return (error as Error).constructor;
        }
        return undefined;
      };
      expect(thrown(ours), String(bad)).toBe(thrown(node));
      expect(thrown(ours)).toBeDefined();
    }
  });
});
