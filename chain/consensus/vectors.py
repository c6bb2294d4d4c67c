#!/usr/bin/env python3
"""Independent reference for chain/consensus: writes vectors.json.

Why a second implementation: the TypeScript code must give the same integers on every validator,
and a test that compares it with itself proves nothing. This script is written separately, in
another language, straight from design §5 ("Yuma, precisely"), with Python's unbounded ints:

  I32F32: an integer x stands for x / 2**32.
  mul(a, b) = (a * b) >> 32            (floor, also for negatives: Python's >> floors)
  div(a, b) = trunc((a << 32) / b)     (toward zero), and x / 0 = 0
  u16 proportion u -> div(u, 65535);   fraction -> u16: floor(x * 65535 / 2**32)

The weighted median is subtensor's recursive partition (`weighted_median`), not the sort-and-scan
of weightedMedian.ts, so the two implementations check each other there too.

Payouts: owner / miners / validators pools by largest remainder of the basis points, then each
pool by largest remainder of incentive (miners) or dividends (validators), ties to the lower uid.

Run: python3 chain/consensus/vectors.py  (rewrites chain/consensus/vectors.json; deterministic)
"""
import json
import os
import random

ONE = 1 << 32


def mul(a, b):
    return (a * b) >> 32


def div(a, b):
    if b == 0:
        return 0
    q = abs(a << 32) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def normalize(v):
    s = sum(v)
    return list(v) if s == 0 else [div(x, s) for x in v]


def col_normalize(m):
    n = len(m)
    cols = len(m[0]) if n else 0
    sums = [sum(m[i][j] for i in range(n)) for j in range(cols)]
    return [[div(m[i][j], sums[j]) for j in range(cols)] for i in range(n)]


def weighted_median(stake, score, idx, minority, lo, hi):
    """subtensor's weighted_median: quickselect on the score, stake-weighted."""
    n = len(idx)
    if n == 0:
        return 0
    if n == 1:
        return score[idx[0]]
    pivot = score[idx[n // 2]]
    lo_stake = hi_stake = 0
    lower, upper = [], []
    for k in idx:
        if score[k] == pivot:
            continue
        if score[k] < pivot:
            lo_stake += stake[k]
            lower.append(k)
        else:
            hi_stake += stake[k]
            upper.append(k)
    if lo + lo_stake <= minority < hi - hi_stake:
        return pivot
    if minority < lo + lo_stake and lower:
        return weighted_median(stake, score, lower, minority, lo, lo + lo_stake)
    if hi - hi_stake <= minority and upper:
        return weighted_median(stake, score, upper, minority, hi - hi_stake, hi)
    return pivot


def yuma(stake, weights, revealed, bonds_prev, kappa, bonds_penalty, bma):
    n = len(stake)
    # 1. stake of revealed validators, normalised with one division from the integers
    active = [revealed[i] and stake[i] > 0 for i in range(n)]
    total = sum(stake[i] for i in range(n) if active[i])
    S = [div(stake[i], total) if active[i] else 0 for i in range(n)]
    # 2. weights: no self-weight, rows normalised, non-revealed rows zero
    W = []
    for i in range(n):
        if not revealed[i]:
            W.append([0] * n)
            continue
        row = [0 if i == j else weights[i][j] for j in range(n)]
        W.append(normalize(row))
    # 3. consensus: weighted median at kappa over validators with stake
    k = div(kappa, 65535)
    voters = [i for i in range(n) if S[i] > 0]
    vstake = [S[i] for i in voters]
    ssum = sum(vstake)
    C = []
    for j in range(n):
        col = [W[i][j] for i in voters]
        C.append(weighted_median(vstake, col, list(range(len(voters))), ssum - k, 0, ssum))
    # 4. clip, validator trust
    Wc = [[min(W[i][j], C[j]) for j in range(n)] for i in range(n)]
    vtrust = [sum(r) for r in Wc]
    # 5. rank, trust, incentive
    pre = [sum(mul(S[i], W[i][j]) for i in range(n)) for j in range(n)]
    R = [sum(mul(S[i], Wc[i][j]) for i in range(n)) for j in range(n)]
    trust = [div(R[j], pre[j]) for j in range(n)]
    I = normalize(R)
    # 6. bond weights
    p = div(bonds_penalty, 65535)
    if p == ONE:
        Wb = Wc
    elif p == 0:
        Wb = W
    else:
        Wb = [[W[i][j] + mul(p, Wc[i][j] - W[i][j]) for j in range(n)] for i in range(n)]
    # 7. bonds EMA
    dB = col_normalize([[mul(Wb[i][j], S[i]) for j in range(n)] for i in range(n)])
    alpha = ONE - div(bma, 1_000_000)
    prev = col_normalize(bonds_prev) if bonds_prev is not None else [[0] * n for _ in range(n)]
    B = col_normalize([[mul(alpha, dB[i][j]) + mul(ONE - alpha, prev[i][j]) for j in range(n)] for i in range(n)])
    # 8. dividends
    D = normalize([sum(mul(B[i][j], I[j]) for j in range(n)) for i in range(n)])
    return {
        'stake': S, 'weights': W, 'consensus': C, 'clipped': Wc, 'validatorTrust': vtrust,
        'trust': trust, 'rank': R, 'incentive': I, 'bonds': B, 'dividends': D,
    }


def largest_remainder(amount, shares):
    total = sum(shares)
    if total == 0:
        return [0] * len(shares)
    parts = [amount * s // total for s in shares]
    left = amount - sum(parts)
    order = sorted(range(len(shares)), key=lambda k: (-((amount * shares[k]) % total), k))
    for k in order[:left]:
        parts[k] += 1
    return parts


def payouts(total, split, incentive, dividends):
    owner, miners, validators = largest_remainder(total, [split['owner'], split['miners'], split['validators']])
    pm = largest_remainder(miners, incentive)
    pv = largest_remainder(validators, dividends)
    by_uid = {}
    for uid in range(max(len(pm), len(pv))):
        a = (pm[uid] if uid < len(pm) else 0) + (pv[uid] if uid < len(pv) else 0)
        if a > 0:
            by_uid[str(uid)] = str(a)
    paid = sum(int(v) for v in by_uid.values())
    return {'owner': str(owner), 'byUid': by_uid, 'unallocated': str(total - owner - paid)}


def strs(x):
    if isinstance(x, list):
        return [strs(v) for v in x]
    return str(x)


DEFAULTS = {'kappa': 32767, 'bondsPenalty': 65535, 'bondsMovingAverage': 900000}


def case(name, why, stake, weights, revealed, bonds_prev=None, **params):
    p = {**DEFAULTS, **params}
    out = yuma(stake, weights, revealed, bonds_prev, p['kappa'], p['bondsPenalty'], p['bondsMovingAverage'])
    vector = {
        'name': name,
        'why': why,
        'input': {
            'stake': strs(stake), 'weights': weights, 'revealed': revealed,
            'bondsPrev': strs(bonds_prev) if bonds_prev is not None else None, **p,
        },
        'expected': {k: strs(v) for k, v in out.items()},
    }
    return vector, out


def main():
    U = 65535
    vectors = []
    # uids 0-1 validators, 2-3 miners; the case worked by hand in yuma.test.ts.
    v, _ = case('hand', 'A (stake 3) splits evenly, B (stake 1) backs uid 2 only: I ≈ 4/7, 3/7; D ≈ 6/7, 1/7',
                [3, 1, 0, 0], [[0, 0, U, U], [0, 0, U, 0], [0] * 4, [0] * 4], [True, True, False, False])
    vectors.append(v)
    # uids 0-2 validators, 3-5 miners. Validator 2 (25% stake) is an outlier pushing miner 5.
    stake3 = [400_000_000_000, 350_000_000_000, 250_000_000_000, 0, 0, 0]
    honest_a = [0, 0, 0, 40000, 20000, 0]
    honest_b = [0, 0, 0, 36000, 24000, 300]
    outlier = [0, 0, 0, 1000, 0, 60000]
    W3 = [honest_a, honest_b, outlier, [0] * 6, [0] * 6, [0] * 6]
    v, r1 = case('outlier', 'validator 2 holds 25% and gives miner 5 almost everything: clipped to consensus',
                 stake3, W3, [True, True, True, False, False, False])
    vectors.append(v)
    v, _ = case('not-revealed', 'round 2 after "outlier": validator 1 did not reveal; its row is dropped, '
                'its bonds decay by the EMA and still earn dividends',
                stake3, [honest_a, [0] * 6, outlier, [0] * 6, [0] * 6, [0] * 6],
                [True, False, True, False, False, False], r1['bonds'])
    vectors.append(v)
    v, _ = case('penalty-half', 'bonds penalty 1/2 and a 50% moving average, after "outlier"',
                stake3, W3, [True, True, True, False, False, False], r1['bonds'],
                bondsPenalty=32767, bondsMovingAverage=500000)
    vectors.append(v)
    v, _ = case('self-weight', 'validator 0 weights itself (dropped) and miner 2; kappa 0.66 makes the '
                'median ask for two thirds of the stake',
                [7, 5, 0, 0], [[U, 0, 100, 300], [0, 0, 300, 100], [0] * 4, [0] * 4],
                [True, True, False, False], kappa=43253)
    vectors.append(v)
    v, _ = case('nobody-revealed', 'no validator revealed: everything is zero', [5, 5, 0],
                [[0, 0, U], [0, 0, U], [0, 0, 0]], [False, False, False])
    vectors.append(v)

    # Random cases (seeded, so the file is reproducible): weights drawn from a small set of values
    # so columns have ties, random reveals, random parameters, and a second round on the bonds.
    rng = random.Random(20261124)
    for c in range(8):
        nv, nm = rng.randint(1, 5), rng.randint(1, 6)
        n = nv + nm
        stake = [rng.choice([0, 1, 2, 3, 1000, 10**15 + rng.randint(0, 10**6)]) for _ in range(nv)] + [0] * nm
        params = {'kappa': rng.choice([0, 16384, 32767, 43253, 65535]),
                  'bondsPenalty': rng.choice([0, 32767, 65535]),
                  'bondsMovingAverage': rng.choice([0, 500000, 900000, 975000, 1000000])}
        prev = None
        for rnd in range(2):
            W = [[rng.choice([0, 0, 1, 7, 100, 65535]) if j >= nv or j == i else 0 for j in range(n)] if i < nv
                 else [0] * n for i in range(n)]
            revealed = [i < nv and rng.random() < 0.8 for i in range(n)]
            v, out = case(f'random-{c}-round-{rnd}', 'seeded random case (ties, zero stake, extreme parameters)',
                          stake, W, revealed, prev, **params)
            vectors.append(v)
            prev = out['bonds']

    pays = []
    for yv in vectors[:3]:
        inc = [int(x) for x in yv['expected']['incentive']]
        dvd = [int(x) for x in yv['expected']['dividends']]
        for total in (1000, 1_000_000_000_007):
            split = {'owner': 1800, 'miners': 4100, 'validators': 4100}
            pays.append({'name': f"{yv['name']}-{total}",
                         'input': {'total': str(total), 'split': split, 'incentive': strs(inc), 'dividends': strs(dvd)},
                         'expected': payouts(total, split, inc, dvd)})
    pays.append({'name': 'ties-by-uid', 'input': {'total': '10', 'split': {'owner': 0, 'miners': 10000, 'validators': 0},
                 'incentive': ['1', '1', '1'], 'dividends': ['0', '0', '0']},
                 'expected': payouts(10, {'owner': 0, 'miners': 10000, 'validators': 0}, [1, 1, 1], [0, 0, 0])})
    pays.append({'name': 'nobody-to-pay', 'input': {'total': '999', 'split': {'owner': 1800, 'miners': 4100, 'validators': 4100},
                 'incentive': ['0', '0'], 'dividends': ['0', '0']},
                 'expected': payouts(999, {'owner': 1800, 'miners': 4100, 'validators': 4100}, [0, 0], [0, 0])})

    doc = {
        'about': 'Yuma consensus and payout test vectors, generated by chain/consensus/vectors.py (an '
                 'independent Python implementation of design §5; see its docstring). I32F32 values are '
                 'integers × 2^-32 written as decimal strings; token amounts are decimal strings.',
        'yuma': vectors,
        'payouts': pays,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'vectors.json')
    with open(path, 'w') as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write('\n')


if __name__ == '__main__':
    main()
