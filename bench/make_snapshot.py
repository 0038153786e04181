#!/usr/bin/env python3
"""Fallback input for bench/load_bench.sh: writes an NDJSON snapshot of the
reference shape (accounts, payment methods, IPs with heavy-tailed sharing,
devices, proxies; a 168-bucket activity array per account, mostly zeros).
Deterministic for a given --seed. Not a realistic world: `hydrascope
generate` is; this only gives the loaders the same byte mix.

    bench/make_snapshot.py --accounts 1000000 --seed 1 --out out/loadbench/snapshot.ndjson
"""
import argparse
import os
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    n_acc = args.accounts
    n_pm = n_acc * 9 // 10
    n_ip = n_acc * 12 // 10
    n_dev = n_acc * 35 // 100
    n_px = max(1, n_acc // 20)
    buckets = 168
    start = 1770940800  # 2026-02-13T00:00:00Z

    tmp = args.out + ".tmp"
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        w = f.write
        w('{"format":"hydrascope.snapshot","version":1,"snapshot":{"id":"loadbench-%d","taken_at":'
          '"2026-02-20T00:00:00Z","activity":{"start":"2026-02-13T00:00:00Z","bucket_seconds":3600,'
          '"buckets":%d}}}\n' % (args.seed, buckets))
        countries = ["US", "SG", "DE", "BR", "IN", "JP", "GB", "FR"]
        tiers = ["free", "pro", "team"]
        zeros = [0] * buckets
        for i in range(n_acc):
            act = zeros[:]
            for _ in range(rng.randint(1, 6)):
                act[rng.randrange(buckets)] = rng.randint(1, 400)
            created = start - rng.randrange(86400 * 365)
            label = ""
            r = rng.random()
            if r < 0.002:
                label = ',"label":"banned"'
            elif r < 0.003:
                label = ',"label":"suspect"'
            w('{"kind":"node","id":"a:%d","type":"account","created_at":%d%s,"activity":[%s],'
              '"attrs":{"country":"%s","tier":"%s"}}\n'
              % (i, created, label, ",".join(map(str, act)), countries[i % 8], tiers[rng.randrange(3)]))
        for j in range(n_pm):
            w('{"kind":"node","id":"pm:%x","type":"payment_method"}\n' % j)
        for j in range(n_ip):
            w('{"kind":"node","id":"ip:10.%d.%d.%d","type":"ip","attrs":{"asn":%d}}\n'
              % (j >> 16 & 255, j >> 8 & 255, j & 255, 64500 + j % 1000))
        for j in range(n_dev):
            w('{"kind":"node","id":"dev:%d","type":"device"}\n' % j)
        for j in range(n_px):
            w('{"kind":"node","id":"px:%d","type":"proxy"}\n' % j)

        def ip_name(j):
            return "ip:10.%d.%d.%d" % (j >> 16 & 255, j >> 8 & 255, j & 255)

        def heavy(n):
            # Heavy-tailed pick: a few entities shared by very many (NAT, VPN exits).
            return int(n * rng.random() ** 3)

        for i in range(n_acc):
            a = "a:%d" % i
            w('{"kind":"edge","src":"%s","dst":"pm:%x","type":"paid_with"}\n' % (a, heavy(n_pm)))
            seen = set()
            for _ in range(3):
                j = heavy(n_ip)
                if j in seen:
                    continue
                seen.add(j)
                t0 = start + rng.randrange(86400 * 7)
                w('{"kind":"edge","src":"%s","dst":"%s","type":"uses_ip","weight":%d,'
                  '"first_seen":%d,"last_seen":%d}\n' % (a, ip_name(j), rng.randint(1, 5000), t0,
                                                          t0 + rng.randrange(86400)))
            if rng.random() < 0.8:
                w('{"kind":"edge","src":"%s","dst":"dev:%d","type":"uses_device"}\n' % (a, heavy(n_dev)))
            if rng.random() < 0.4:
                w('{"kind":"edge","src":"%s","dst":"px:%d","type":"via_proxy","weight":%d}\n'
                  % (a, heavy(n_px), rng.randint(1, 900)))
        for j in range(n_px):
            for k in range(4):
                w('{"kind":"edge","src":"px:%d","dst":"%s","type":"egress_ip"}\n' % (j, ip_name((j * 4 + k) % n_ip)))
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
