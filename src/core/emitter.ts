/**
 * A small EventEmitter with Node's API (`on`, `once`, `off`, `emit`, …) that runs on every
 * runtime: `node:events` does not exist in browsers or plain workerd.
 *
 * One deliberate difference from Node: emitting `'error'` with no listener does NOT throw.
 * node-postgres inherits Node's behaviour, so an idle connection dropped by a proxy crashes the
 * whole process; here the error is kept by the client and reported by its next call instead.
 */
// biome-ignore lint/suspicious/noExplicitAny: listeners take any arguments, as in Node's EventEmitter
type Listener = (...args: any[]) => void;

export class EventEmitter {
  #listeners = new Map<string | symbol, Listener[]>();
  // Node warns past this many listeners; kept only so code that tunes it (and @types/pg's
  // EventEmitter shape) works. There is no leak warning here.
  #maxListeners = 10;

  on(event: string | symbol, listener: Listener): this {
    const list = this.#listeners.get(event);
    if (list) list.push(listener);
    else this.#listeners.set(event, [listener]);
    return this;
  }

  addListener(event: string | symbol, listener: Listener): this {
    return this.on(event, listener);
  }

  prependListener(event: string | symbol, listener: Listener): this {
    this.#listeners.set(event, [listener, ...(this.#listeners.get(event) ?? [])]);
    return this;
  }

  once(event: string | symbol, listener: Listener): this {
    return this.on(event, this.#onceWrapper(event, listener));
  }

  prependOnceListener(event: string | symbol, listener: Listener): this {
    return this.prependListener(event, this.#onceWrapper(event, listener));
  }

  /** Removes itself before calling `listener`; `.listener` lets `off(listener)` find it. */
  #onceWrapper(event: string | symbol, listener: Listener): Listener {
    const wrapper: Listener & { listener?: Listener } = (...args) => {
      this.off(event, wrapper);
      listener.apply(this, args);
    };
    wrapper.listener = listener;
    return wrapper;
  }

  off(event: string | symbol, listener: Listener): this {
    const list = this.#listeners.get(event);
    if (!list) return this;
    const index = list.findIndex(
      (l) => l === listener || (l as { listener?: Listener }).listener === listener,
    );
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(event);
    return this;
  }

  removeListener(event: string | symbol, listener: Listener): this {
    return this.off(event, listener);
  }

  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  emit(event: string | symbol, ...args: unknown[]): boolean {
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) return false;
    for (const listener of [...list]) listener.apply(this, args);
    return true;
  }

  listeners(event: string | symbol): Listener[] {
    return (this.#listeners.get(event) ?? []).map((l) => (l as { listener?: Listener }).listener ?? l);
  }

  /** The registered functions, `once` wrappers included (Node's `rawListeners`). */
  rawListeners(event: string | symbol): Listener[] {
    return [...(this.#listeners.get(event) ?? [])];
  }

  setMaxListeners(n: number): this {
    if (typeof n !== 'number')
      throw new TypeError(`The "n" argument must be of type number. Received ${typeof n}`);
    if (n < 0 || Number.isNaN(n)) {
      throw new RangeError(
        `The value of "n" is out of range. It must be a non-negative number. Received ${String(n)}`,
      );
    }
    this.#maxListeners = n;
    return this;
  }

  getMaxListeners(): number {
    return this.#maxListeners;
  }

  listenerCount(event: string | symbol): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  eventNames(): (string | symbol)[] {
    return [...this.#listeners.keys()];
  }
}
