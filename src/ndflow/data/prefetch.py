"""The prefetch node: a background thread keeps a bounded queue of elements filled.

The thread holds no reference to the consumer, so when the consumer's iterator is closed
or garbage-collected its cleanup stops the thread; an exception raised upstream is
handed over the queue and raised again in the consumer.
"""

import queue
import threading

from ndflow.data.node import Node

_DONE = object()
_POLL = 0.05  # seconds between checks of the stop flag while the queue is full
AUTOTUNE_BUFFER = 4  # elements kept ahead for prefetch(AUTOTUNE)


class _Failure:
    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


def _put(q, item, stop) -> bool:
    while not stop.is_set():
        try:
            q.put(item, timeout=_POLL)
            return True
        except queue.Full:
            continue
    return False


def _produce(node, q, stop):
    iterator = None
    try:
        iterator = iter(node.elements())
        for element in iterator:
            if not _put(q, element, stop):
                return
        _put(q, _DONE, stop)
    except BaseException as e:  # handed to the consumer, which raises it
        _put(q, _Failure(e), stop)
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


class Prefetch(Node):
    def __init__(self, node, buffer_size):
        self.inputs = (node,)
        self.buffer_size = buffer_size

    def cardinality(self):
        return self.inputs[0].cardinality()

    def elements(self):
        if self.buffer_size == 0:
            return self.inputs[0].elements()
        return self._consume()

    def _consume(self):
        q = queue.Queue(maxsize=self.buffer_size)
        stop = threading.Event()
        thread = threading.Thread(target=_produce, args=(self.inputs[0], q, stop),
                                  name="ndflow-data-prefetch", daemon=True)
        thread.start()
        try:
            while True:
                item = q.get()
                if item is _DONE:
                    return
                if type(item) is _Failure:
                    raise item.error
                yield item
        finally:
            stop.set()
            while True:  # make room, so a producer blocked on a full queue sees the flag
                try:
                    q.get_nowait()
                except queue.Empty:
                    break
            if thread is not threading.current_thread():
                thread.join(timeout=1.0)
