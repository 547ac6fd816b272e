import time

import numpy as np

x = np.linspace(-np.pi, np.pi, 2000)
y_sin = np.sin(x)
learning_rate = 1e-6
start = np.random.default_rng(seed=7).standard_normal(4)
versions = ["article loop", "powers once", "matrix form", "Gram form", "matrix power", "lstsq"]
seconds = {name: [] for name in versions}

for _repeat in range(3):
    clock = [time.perf_counter()]
    # --8<-- [start:article]
    a, b, c, d = start
    for _ in range(2000):
        y_polynomial_derived = a + b * x + c * x**2 + d * x**3
        loss = np.square(y_polynomial_derived - y_sin).sum()
        grad_y_polynomial_derived = 2.0 * (y_polynomial_derived - y_sin)
        grad_a = grad_y_polynomial_derived.sum()
        grad_b = (grad_y_polynomial_derived * x).sum()
        grad_c = (grad_y_polynomial_derived * x**2).sum()
        grad_d = (grad_y_polynomial_derived * x**3).sum()
        a, b = a - learning_rate * grad_a, b - learning_rate * grad_b
        c, d = c - learning_rate * grad_c, d - learning_rate * grad_d
    w_article = np.array([a, b, c, d])
    # --8<-- [end:article]
    clock.append(time.perf_counter())
    # --8<-- [start:powers]
    x2, x3 = x * x, x * x * x
    a, b, c, d = start
    for _ in range(2000):
        y_polynomial_derived = a + b * x + c * x2 + d * x3
        loss = np.square(y_polynomial_derived - y_sin).sum()
        grad_y_polynomial_derived = 2.0 * (y_polynomial_derived - y_sin)
        grad_a = grad_y_polynomial_derived.sum()
        grad_b = (grad_y_polynomial_derived * x).sum()
        grad_c = (grad_y_polynomial_derived * x2).sum()
        grad_d = (grad_y_polynomial_derived * x3).sum()
        a, b = a - learning_rate * grad_a, b - learning_rate * grad_b
        c, d = c - learning_rate * grad_c, d - learning_rate * grad_d
    w_powers = np.array([a, b, c, d])
    # --8<-- [end:powers]
    clock.append(time.perf_counter())
    # --8<-- [start:matrix]
    X = np.stack([np.ones_like(x), x, x * x, x * x * x], axis=1)
    w_matrix = start
    for _ in range(2000):
        y_pred = X @ w_matrix
        grad = X.T @ (2.0 * (y_pred - y_sin))
        w_matrix = w_matrix - learning_rate * grad
    # --8<-- [end:matrix]
    clock.append(time.perf_counter())
    # --8<-- [start:gram]
    G, g = 2.0 * X.T @ X, 2.0 * X.T @ y_sin
    w_gram = start
    for _ in range(2000):
        w_gram = w_gram - learning_rate * (G @ w_gram - g)
    # --8<-- [end:gram]
    clock.append(time.perf_counter())
    # --8<-- [start:power]
    step = np.eye(5)
    step[:4, :4] -= learning_rate * G
    step[:4, 4] = learning_rate * g
    w_power = (np.linalg.matrix_power(step, 2000) @ np.append(start, 1.0))[:4]
    # --8<-- [end:power]
    clock.append(time.perf_counter())
    w_lstsq = np.linalg.lstsq(X, y_sin, rcond=None)[0]
    clock.append(time.perf_counter())
    for name, elapsed in zip(seconds, np.diff(clock), strict=True):
        seconds[name].append(elapsed)

ms = {name: 1000 * np.median(times) for name, times in seconds.items()}
speedup = {name: ms["article loop"] / ms[name] for name in ms}
for name, milliseconds in ms.items():
    print(f"{name:>12}: {milliseconds:8.2f} ms   speed-up {speedup[name]:7.1f}x")
ms_article, ms_powers, ms_matrix, ms_gram, ms_power, ms_lstsq = ms.values()
speedup_powers, speedup_matrix, speedup_gram, speedup_power, speedup_lstsq = list(speedup.values())[1:]
