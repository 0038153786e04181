#!/usr/bin/python3
"""Stand-in world for tuning and smoke tests of scoring, used while the
project generator (`hydrascope generate`) was not available. NOT the
project's generator and not the world the quality targets refer to.

Writes OUT/snapshot.ndjson and OUT/truth.json: benign single accounts, and
planted clusters: hydra (proxy + datacenter egress pool, a few shared cards,
creation waves, lock-step traffic with a pivot, balanced volumes; `hard`
adds noise and 25 % camouflaged accounts), carrier_nat, corporate, family,
sharded_service, university, vpn_exit, legit_aggregator, power_user.

usage: bench/standin_world.py ACCOUNTS SEED OUT_DIR [hard]
"""
import json, math, os, random, sys
N = int(sys.argv[1]); seed = int(sys.argv[2]); out = sys.argv[3]; hard = len(sys.argv) > 4 and sys.argv[4] == "hard"
rng = random.Random(seed)
os.makedirs(out, exist_ok=True)
B = 168; T0 = 1770940800; YEAR = 365*86400
nodes = []; edges = []; clusters = []
def diurnal_profile(tz):
    return [ (1.0 if 8 <= ((t + tz) % 24) <= 22 else 0.15) * (0.6 if (t // 24) % 7 >= 5 else 1.0) for t in range(B)]
def act(vol, prof, noise=1.0):
    s = sum(prof); a = []
    for t in range(B):
        lam = vol * prof[t] / s
        a.append(int(rng.expovariate(1.0) * lam * noise + (lam if noise < 1 else 0)) if rng.random() < 0.9 else 0)
    return a
nid = [0]
def new(prefix):
    nid[0] += 1; return "%s:%d" % (prefix, nid[0])
def account(created, activity, label=None):
    a = new("a"); n = {"kind":"node","id":a,"type":"account","created_at":created,"activity":activity}
    if label: n["label"] = label
    nodes.append(n); return a
def ent(typ, prefix, id_=None, attrs=None):
    i = id_ or new(prefix); n = {"kind":"node","id":i,"type":typ}
    if attrs: n["attrs"] = attrs
    nodes.append(n); return i
def e(s, d, t, w=1): edges.append({"kind":"edge","src":s,"dst":d,"type":t,"weight":w})
def rip(): return "ip:%d.%d.%d.%d" % (rng.randint(11, 99), rng.randint(0,255), rng.randint(0,255), rng.randint(1,254))
used_ips = set()
def ip_node(addr, dc=False, asn=None):
    if addr in used_ips: return addr
    used_ips.add(addr); at = {}
    if dc: at["datacenter"] = True
    if asn: at["asn"] = asn
    return ent("ip", "ip", addr, at or None)
def benign_single(tz=None, carrier_ip=None, created=None):
    tz = rng.randint(0, 23) if tz is None else tz
    vol = math.exp(rng.gauss(4, 1.5))
    a = account(created or T0 - rng.randint(0, 2*YEAR), act(vol, diurnal_profile(tz)))
    pm = ent("payment_method", "pm"); e(a, pm, "paid_with")
    ip = carrier_ip or ip_node(rip())
    e(a, ip, "uses_ip", max(1, int(vol)))
    return a
budget = N
kinds = {}
def cluster(kind, accts): clusters.append({"id": "%s-%d" % (kind, len(clusters)), "kind": kind, "accounts": accts})
# hydras: ~3% of accounts
nh = 0
while nh < 0.03 * N:
    size = int(min(2000, math.exp(rng.uniform(math.log(15), math.log(400 if N < 50000 else 1500)))))
    ncard = max(1, size // rng.randint(8, 40)); cards = [ent("payment_method", "pm") for _ in range(ncard)]
    px = ent("proxy", "px")
    base = rng.randint(100, 200); npre = rng.randint(1, 3)
    pool = [ip_node("ip:%d.%d.%d.%d" % (base, rng.randint(0,255), rng.randint(0,255), rng.randint(1,254)), dc=True, asn=64000+rng.randint(0,50)) for _ in range(max(2, size // 10))]
    for ip in pool: e(px, ip, "egress_ip")
    pivot_t = rng.randint(30, 140)
    shape = [ (0.2 if t < pivot_t else 1.0) * (1.0 + 0.3*math.sin(t/3.0 + rng.random()*0.1)) for t in range(B)]
    waves = [T0 - rng.randint(10*86400, 200*86400) for _ in range(rng.randint(1, 3))]
    accts = []
    vol = math.exp(rng.gauss(6, 0.5))
    for i in range(size):
        if hard and rng.random() < 0.25:   # camouflage: looks like a normal user
            a = account(T0 - rng.randint(0, 2*YEAR), act(vol, [ (shape[t] + diurnal_profile(3)[t]) for t in range(B)]))
        else:
            created = rng.choice(waves) + rng.randint(0, 4*3600)
            a = account(created, [int(vol * shape[t] / sum(shape) * (1 + (0.5 if hard else 0.2) * rng.uniform(-1,1))) for t in range(B)])
        e(a, rng.choice(cards), "paid_with")
        e(a, px, "via_proxy", 100)
        for _ in range(rng.randint(1, 3)): e(a, rng.choice(pool), "uses_ip", 50)
        accts.append(a)
    cluster("hydra", accts); nh += size
# seeds: label a few hydra accounts banned
acc_index = {n["id"]: n for n in nodes if n["type"] == "account"}
for c in clusters:
    if rng.random() < 0.5:
        for a in rng.sample(c["accounts"], max(1, len(c["accounts"]) // 100)): acc_index[a]["label"] = "banned"
def rest(): return N - sum(1 for n in nodes if n["type"] == "account")
# look-alikes
for _ in range(max(1, N // 2000)):   # carrier NAT
    ip = ip_node(rip(), asn=7018); accts = [benign_single(carrier_ip=ip) for _ in range(rng.randint(200, 3000 if N > 50000 else 800))]; cluster("carrier_nat", accts)
for _ in range(max(1, N // 5000)):   # corporate
    pm = ent("payment_method", "pm"); base = rip().rsplit(".", 1)[0]; ips = [ip_node(base + ".%d" % k) for k in range(1, 4)]
    accts = []
    start = T0 - rng.randint(0, 2*YEAR)
    for _ in range(rng.randint(20, 200)):
        a = account(start + rng.randint(0, 90*86400) if rng.random() < 0.7 else start, act(math.exp(rng.gauss(4, 1)), diurnal_profile(rng.choice([0, 0, 1]))))
        e(a, pm, "paid_with"); e(a, rng.choice(ips), "uses_ip", 20); accts.append(a)
    cluster("corporate", accts)
for _ in range(max(1, N // 4000)):   # family
    pm = ent("payment_method", "pm"); ip = ip_node(rip()); tz = rng.randint(0, 23)
    accts = []
    for _ in range(rng.randint(2, 5)):
        a = account(T0 - rng.randint(0, 2*YEAR), act(math.exp(rng.gauss(3, 1)), diurnal_profile(tz))); e(a, pm, "paid_with"); e(a, ip, "uses_ip", 5); accts.append(a)
    cluster("family", accts)
for _ in range(max(1, N // 10000)):  # sharded service
    pm = ent("payment_method", "pm"); base = "ip:%d.%d.%d" % (rng.randint(100,200), rng.randint(0,255), rng.randint(0,255))
    ips = [ip_node(base + ".%d" % k, dc=True) for k in range(1, 6)]
    created = T0 - rng.randint(0, YEAR); vol = math.exp(rng.gauss(7, 0.5))
    accts = []
    for _ in range(rng.randint(5, 30)):
        a = account(created + rng.randint(0, 3600), [int(vol / B * (1 + 0.2 * rng.uniform(-1, 1))) for t in range(B)])
        e(a, pm, "paid_with"); e(a, rng.choice(ips), "uses_ip", 100); accts.append(a)
    cluster("sharded_service", accts)
for _ in range(max(1, N // 20000)):  # university
    b1, b2 = rng.randint(11, 99), rng.randint(0, 255)
    ips = [ip_node("ip:%d.%d.%d.%d" % (b1, b2, rng.randint(0, 255), rng.randint(1, 254))) for _ in range(30)]
    sem = T0 - rng.randint(30*86400, YEAR)
    accts = []
    for _ in range(rng.randint(100, 800)):
        a = account(sem + rng.randint(0, 14*86400), act(math.exp(rng.gauss(3.5, 1)), diurnal_profile(2)))
        e(a, ent("payment_method", "pm"), "paid_with"); e(a, rng.choice(ips), "uses_ip", 10); accts.append(a)
    cluster("university", accts)
for _ in range(max(1, N // 20000)):  # vpn exit
    base = "ip:%d.%d.%d" % (rng.randint(100,200), rng.randint(0,255), rng.randint(0,255))
    ips = [ip_node(base + ".%d" % k, dc=True, asn=9009) for k in range(1, 10)]
    accts = []
    for _ in range(rng.randint(100, 1000)):
        a = benign_single(); e(a, rng.choice(ips), "uses_ip", 10); accts.append(a)
    cluster("vpn_exit", accts)
for _ in range(max(1, N // 20000)):  # legit aggregator
    px = ent("proxy", "px"); base = "ip:%d.%d.%d" % (rng.randint(100,200), rng.randint(0,255), rng.randint(0,255))
    ips = [ip_node(base + ".%d" % k, dc=True) for k in range(1, 20)]
    for ip in ips: e(px, ip, "egress_ip")
    accts = []
    for _ in range(rng.randint(200, 2000)):
        a = benign_single(); e(a, px, "via_proxy", 50); e(a, rng.choice(ips), "uses_ip", 10); accts.append(a)
    cluster("legit_aggregator", accts)
for _ in range(max(1, N // 5000)):   # power user
    a = account(T0 - rng.randint(0, 2*YEAR), act(math.exp(9), diurnal_profile(5)))
    e(a, ent("payment_method", "pm"), "paid_with")
    for _ in range(rng.randint(20, 60)): e(a, ip_node(rip()), "uses_ip", 100)
    cluster("power_user", [a])
while rest() > 0: benign_single()
with open(out + "/snapshot.ndjson", "w") as f:
    f.write(json.dumps({"format":"hydrascope.snapshot","version":1,"snapshot":{"id":"scw","activity":{"start":T0,"bucket_seconds":3600,"buckets":B}}}) + "\n")
    for n in nodes: f.write(json.dumps(n) + "\n")
    for x in edges: f.write(json.dumps(x) + "\n")
json.dump({"format":"hydrascope.truth","version":1,"clusters":clusters}, open(out + "/truth.json", "w"))
