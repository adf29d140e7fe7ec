"""Week 4: L1 regularisation against over-fitting.

A polynomial of degree 15 (a Dense(1) layer on 15 polynomial features of x, 16 parameters)
is fitted to 16 noisy samples of the probability density |psi_2(x)|^2 of the infinite well
[0, 2] (the course's wave-function data). Without regularisation it can pass through every
noisy point and swings between them: over-fitting. With keras.regularizers.L1 on the
kernel, lambda sum |w| is added to the loss; it pushes most coefficients to (nearly) zero
and the fit stays smooth. Train and test errors and the coefficients are compared. (The
density is symmetric about the middle of the well, so its expansion has no odd Legendre
terms: a good fit needs only a few non-zero coefficients.)

    python examples/course/week4/l1_regularisation.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

from ndflow import keras

L = 2.0  # width of the well


def density(x):
    """|psi_2(x)|^2 of the infinite well [0, L]: the first excited state's density."""
    return 2 / L * np.sin(2 * np.pi * x / L) ** 2


def features(x, degree):
    """Legendre polynomials P_1 ... P_degree of x mapped onto [-1, 1], shape (n, degree).

    The same polynomials as the plain powers x, x^2, ..., but the columns are far from
    parallel, so gradient descent reaches the best fit in a reasonable number of steps."""
    u = 2 * x[:, 0] / L - 1
    return np.polynomial.legendre.legvander(u, degree)[:, 1:].astype("float32")


def build_model(degree, l1):
    """y = b + sum_k w_k P_k(x): one Dense unit, L1 on its kernel when ``l1`` > 0."""
    regularizer = keras.regularizers.L1(l1) if l1 > 0 else None
    return keras.Sequential([
        keras.Input(shape=(degree,)),
        keras.layers.Dense(1, kernel_regularizer=regularizer),
    ])


def plot(args, data, models, coefficients):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    (x_train, y_train), (x_test, y_test) = data
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    fine = np.linspace(0.0, L, 400, dtype="float32")[:, None]
    ax1.plot(x_test, y_test, ".", color="0.7", label="test data")
    ax1.plot(fine, density(fine), "k-", lw=2, label=r"$|\psi_2(x)|^2$")
    ax1.plot(x_train, y_train, "ko", label="training data")
    for (name, model), style in zip(models.items(), ("C0--", "C3-")):
        ax1.plot(fine, model.predict(features(fine, args.degree), verbose=0), style,
                 label=name)
    ax1.set(xlabel="x", ylabel="density", title="degree-15 polynomial fits",
            ylim=(-0.5, 1.6))
    ax1.legend(loc="upper right", fontsize=8)
    degrees = np.arange(1, args.degree + 1)
    for (name, w), shift, color in zip(coefficients.items(), (-0.2, 0.2), ("C0", "C3")):
        ax2.bar(degrees + shift, np.abs(w), width=0.4, color=color, label=name)
    ax2.set(xlabel="Legendre degree k", ylabel="|w_k|", yscale="log",
            title="weight magnitudes")
    ax2.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "l1_regularisation.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="L1 regularisation against over-fitting")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer epochs)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "l1_regularisation"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--samples", type=int, default=16, help="training points")
    parser.add_argument("--degree", type=int, default=15, help="degree of the polynomial")
    parser.add_argument("--noise", type=float, default=0.1, help="measurement noise")
    parser.add_argument("--l1", type=float, default=0.01, help="the L1 factor lambda")
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = 2000 if args.quick else 4000
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    x_train = np.linspace(0.0, L, args.samples, dtype="float32")[:, None]
    y_train = (density(x_train) + rng.normal(0.0, args.noise, x_train.shape)).astype("float32")
    x_test = rng.uniform(0.0, L, (200, 1)).astype("float32")  # fresh measurements
    y_test = (density(x_test) + rng.normal(0.0, args.noise, x_test.shape)).astype("float32")
    f_train, f_test = features(x_train, args.degree), features(x_test, args.degree)

    models, coefficients, result = {}, {}, {}
    for name, l1 in (("no regularisation", 0.0), (f"L1({args.l1:g})", args.l1)):
        keras.utils.set_random_seed(args.seed)  # both start from the same weights
        model = build_model(args.degree, l1)
        model.compile(optimizer=keras.optimizers.Adam(args.lr), loss="mse")
        model.fit(f_train, y_train, epochs=args.epochs, batch_size=args.samples, verbose=0)
        # the errors are plain mean squared errors, without the L1 term of the loss
        train_mse = float(np.mean((model.predict(f_train, verbose=0) - y_train) ** 2))
        test_mse = float(np.mean((model.predict(f_test, verbose=0) - y_test) ** 2))
        w = model.layers[-1].kernel.numpy().ravel()
        small = int(np.sum(np.abs(w) < 0.01))
        key = "L1" if l1 > 0 else "none"
        print(f"train mse ({key}): {train_mse:.4f}")
        print(f"test mse ({key}): {test_mse:.4f}")
        print(f"coefficients below 0.01 ({key}): {small} of {w.size}")
        result.update({f"train mse ({key})": train_mse, f"test mse ({key})": test_mse,
                       f"coefficients below 0.01 ({key})": float(small)})
        models[name], coefficients[name] = model, w
    print(f"noise variance (the best possible test mse): {args.noise ** 2:.4f}")

    path = plot(args, ((x_train, y_train), (x_test, y_test)), models, coefficients)
    print(f"plot: {path}")
    return {**result, "plots": [path]}


if __name__ == "__main__":
    main()
