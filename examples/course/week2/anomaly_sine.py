"""Anomaly detection on a sine signal with an autoencoder (unsupervised).

An autoencoder learns to rebuild short windows of a clean, slightly noisy sine through a
narrow code, so it can only rebuild what looks like a sine. On a test signal with injected
faults (spikes, a stuck sensor, a noise burst, an offset) the reconstruction error jumps
where the signal is abnormal; samples whose error is above a threshold set on clean data
are flagged, and the flagged stretches are compared with the injected ones.

    python examples/course/week2/anomaly_sine.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

from ndflow import keras

PERIOD = 50  # samples per sine period
NOISE = 0.05  # measurement noise of the clean signal
WINDOW = 40
TOLERANCE = 3  # a detection this close to a fault counts as a hit
MERGE = 15  # flagged runs closer than this are one detection (one fault can flag in parts)


def sine(n, rng):
    """A clean sine with a little measurement noise and a random phase."""
    t = np.arange(n)
    return np.sin(2 * np.pi * t / PERIOD + rng.uniform(0, 2 * np.pi)) + NOISE * rng.normal(
        size=n)


def inject_anomalies(signal, count, rng):
    """Faults of four kinds at well-separated places; returns the signal and their spans."""
    signal = signal.copy()
    slots = np.linspace(WINDOW, len(signal) - 2 * WINDOW, count).astype(int)
    spans = []
    for i, start in enumerate(slots):
        kind = i % 4
        if kind == 0:  # a single spike
            length = 1
            signal[start] += rng.choice([-1, 1]) * 1.5
        elif kind == 1:  # the sensor is stuck at its last value
            length = 25
            signal[start:start + length] = signal[start]
        elif kind == 2:  # a burst of noise
            length = 10
            signal[start:start + length] += 0.6 * rng.normal(size=length)
        else:  # an offset
            length = 20
            signal[start:start + length] += 0.7
        spans.append((start, start + length))
    return signal, spans


def windows(signal):
    """All windows of WINDOW consecutive samples (stride 1), as rows."""
    return np.lib.stride_tricks.sliding_window_view(signal, WINDOW).astype("float32")


def build_autoencoder(code_size):
    return keras.Sequential([
        keras.Input(shape=(WINDOW,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(code_size, name="code"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(WINDOW),
    ])


def sample_errors(model, signal):
    """Each sample's error: how far it is from the rebuilt windows that contain it, taking
    the window that rebuilds it best. A fault spoils every window that contains it, but a
    clean sample beside a fault still has a clean window that rebuilds it, so the error stays
    where the fault is. Also returns each sample as rebuilt by its centred window."""
    rebuilt = model.predict(windows(signal), verbose=0, batch_size=512)
    errors = np.full(len(signal), np.inf)
    for offset in range(WINDOW):
        part = np.abs(signal[offset:offset + len(rebuilt)] - rebuilt[:, offset])
        errors[offset:offset + len(rebuilt)] = np.minimum(
            errors[offset:offset + len(rebuilt)], part)
    centre = WINDOW // 2
    centred = signal.copy()
    centred[centre:centre + len(rebuilt)] = rebuilt[:, centre]
    return errors, centred


def flagged_stretches(flags, merge=MERGE):
    """Runs of flagged samples as (start, stop), joining runs less than ``merge`` apart."""
    stretches = []
    for i in np.flatnonzero(flags):
        if stretches and i - stretches[-1][1] < merge:
            stretches[-1][1] = i + 1
        else:
            stretches.append([i, i + 1])
    return [(int(a), int(b)) for a, b in stretches]


def score(stretches, spans):
    """Precision: detections that hit a fault; recall: faults hit by a detection."""
    def overlaps(a, b):
        return a[0] < b[1] + TOLERANCE and b[0] < a[1] + TOLERANCE

    hits = sum(any(overlaps(s, a) for a in spans) for s in stretches)
    found = sum(any(overlaps(s, a) for s in stretches) for a in spans)
    precision = hits / len(stretches) if stretches else 0.0
    return precision, found / len(spans), found


def plot(args, test, rebuilt, errors, threshold, spans, stretches, history):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2, ax3) = plt.subplots(3, 1, figsize=(13, 9))
    t = np.arange(len(test))
    ax1.plot(t, test, "k-", lw=0.8, label="test signal")
    ax1.plot(t, rebuilt, "b-", lw=0.8, alpha=0.7, label="rebuilt by the autoencoder")
    for i, (a, b) in enumerate(spans):
        ax1.axvspan(a - 0.5, b - 0.5, color="red", alpha=0.25,
                    label="injected anomaly" if i == 0 else None)
    ax1.set(xlabel="sample", ylabel="signal", title="test signal with injected anomalies")
    ax1.legend(loc="upper right")
    ax2.semilogy(t, errors, "k-", lw=0.8, label="reconstruction error")
    ax2.axhline(threshold, color="r", ls="--", label="threshold")
    for i, (a, b) in enumerate(stretches):
        ax2.axvspan(a - 0.5, b - 0.5, color="orange", alpha=0.4,
                    label="detected" if i == 0 else None)
    ax2.set(xlabel="sample", ylabel="|x - rebuilt x|", title="detection")
    ax2.legend(loc="upper right")
    ax3.semilogy(history.history["loss"], label="train")
    ax3.semilogy(history.history["val_loss"], label="validation")
    ax3.set(xlabel="epoch", ylabel="MSE", title="training on clean windows")
    ax3.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "anomaly_sine.png")
    fig.savefig(path, dpi=90)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Anomaly detection on a sine signal")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "anomaly_sine"))
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--anomalies", type=int, default=8)
    parser.add_argument("--code-size", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.train_samples = 2000 if args.quick else 10_000
    args.epochs = 15 if args.quick else 60
    return args


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    model = build_autoencoder(args.code_size)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
    train = windows(sine(args.train_samples, rng))
    history = model.fit(train, train, epochs=args.epochs, batch_size=64, validation_split=0.2,
                        verbose=0)

    # the threshold comes from clean data the model has not seen: above its largest error
    clean_errors, _ = sample_errors(model, sine(2000, rng))
    threshold = 1.5 * float(np.max(clean_errors))
    test, spans = inject_anomalies(sine(2000, rng), args.anomalies, rng)
    errors, rebuilt = sample_errors(model, test)
    stretches = flagged_stretches(errors > threshold)
    precision, recall, found = score(stretches, spans)

    print(f"threshold: {threshold:.4f}")
    print(f"injected anomalies: {len(spans)}")
    print(f"detected stretches: {len(stretches)}")
    print(f"anomalies found: {found}")
    print(f"precision: {precision:.3f}")
    print(f"recall: {recall:.3f}")
    path = plot(args, test, rebuilt, errors, threshold, spans, stretches, history)
    print(f"plot: {path}")
    return {"threshold": threshold, "injected anomalies": float(len(spans)),
            "detected stretches": float(len(stretches)), "anomalies found": float(found),
            "precision": precision, "recall": recall, "plots": [path]}


if __name__ == "__main__":
    main()
