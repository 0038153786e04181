// A small literal world for scoring and export tests: background accounts,
// families, one hydra, one corporate office and one carrier NAT, with the
// partition that groups them (so scoring is tested apart from detection).
//
//   hydra      40 accounts -- 3 cards, 8 datacenter IPs in 198.51.100.0/24, proxy px:relay,
//              4 devices (10 accounts each), created within 2 hours, flat
//              lock-step activity, balanced volumes
//   corporate  40 accounts -- 1 card, 1 office IP, 1 managed device, created over a year,
//              office-hours activity
//   carrier    200 accounts -- own cards, one NAT IP, random activity
//   families   60 x 3 accounts sharing a card and a home IP
//   background 400 single accounts with their own card and IP
//   fragments  (only with fragments = true) two accounts alone in their own
//              community, each with a card of its own and on the hydra's
//              device dev:h0: a:frag moves in lock-step with the hydra,
//              a:person keeps a person's day
#pragma once

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "hydrascope/partition.hpp"
#include "hydrascope/snapshot.hpp"

namespace hydrascope::testing {

struct World {
  Snapshot snapshot;
  Partition partition;
  std::vector<std::string> hydra, corporate, carrier;  // account ids
  std::uint64_t hydra_community = 0, corporate_community = 0, carrier_community = 0;
};

inline World make_world(std::uint64_t seed = 7, bool hostile_ids = false, bool fragments = false) {
  World w;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  SnapshotBuilder b("world");
  SnapshotMeta meta;
  meta.id = "test-world";
  meta.activity.start = 0;
  meta.activity.bucket_seconds = 3600;
  meta.activity.buckets = 168;
  b.set_meta(meta);
  const Timestamp year = 365LL * 86400 * kMicrosPerSecond;
  std::vector<std::uint64_t> labels;  // community per node, in add order
  std::uint64_t next_community = 0;
  RecordRef ref;
  auto node = [&](const std::string& id, const std::string& type, std::uint64_t community, Timestamp created = kNoTime,
                  const std::vector<double>* activity = nullptr, std::vector<AttrInput> attrs = {}) {
    b.add_node(ref, id, type, Label::Unknown, created, attrs, activity);
    labels.push_back(community);
  };
  auto edge = [&](const std::string& a, const std::string& c, const std::string& type, double weight = 1.0) {
    b.add_edge(ref, a, c, type, weight, kNoTime, kNoTime);
  };
  auto diurnal = [&](double volume, double noise) {
    std::vector<double> x(168);
    for (int t = 0; t < 168; ++t) {
      const double h = t % 24;
      const double shape = (h >= 8 && h <= 20) ? 1.0 : 0.2;
      x[t] = std::floor(volume * shape * (1.0 + noise * (u01(rng) - 0.5)) + u01(rng));
    }
    return x;
  };
  const std::string pre = hostile_ids ? "a:\"<&>,\n" : "a:";
  // background
  for (int i = 0; i < 400; ++i) {
    const auto c = next_community++;
    const std::string a = pre + "bg" + std::to_string(i);
    auto act = diurnal(std::exp(2.0 + 1.5 * u01(rng)), 1.5);
    node(a, "account", c, static_cast<Timestamp>(u01(rng) * year), &act);
    node("pm:bg" + std::to_string(i), "payment_method", c);
    const std::string ip = "ip:10." + std::to_string(i % 200) + "." + std::to_string(i / 200) + ".5";
    node(ip, "ip", c);
    edge(a, "pm:bg" + std::to_string(i), "paid_with");
    edge(a, ip, "uses_ip", 10);
  }
  // families
  for (int f = 0; f < 60; ++f) {
    const auto c = next_community++;
    const std::string pm = "pm:fam" + std::to_string(f), ip = "ip:172.16." + std::to_string(f) + ".9";
    node(pm, "payment_method", c);
    node(ip, "ip", c);
    for (int j = 0; j < 3; ++j) {
      const std::string a = pre + "fam" + std::to_string(f) + "-" + std::to_string(j);
      auto act = diurnal(std::exp(1.0 + 2.0 * u01(rng)), 1.5);
      node(a, "account", c, static_cast<Timestamp>(u01(rng) * year), &act);
      edge(a, pm, "paid_with");
      edge(a, ip, "uses_ip", 5);
    }
  }
  // hydra
  {
    const auto c = next_community++;
    w.hydra_community = c;
    std::vector<double> shape(168);
    for (int t = 0; t < 168; ++t) shape[t] = 20.0 + 15.0 * std::sin(t * 0.7) + (t > 60 ? 30.0 : 0.0);
    for (int k = 0; k < 3; ++k) node("pm:h" + std::to_string(k), "payment_method", c);
    for (int k = 0; k < 8; ++k) {
      AttrInput dc;
      dc.key = "datacenter";
      dc.type = AttrType::Bool;
      dc.boolean = true;
      node("ip:198.51.100." + std::to_string(10 + k), "ip", c, kNoTime, nullptr, {dc});
    }
    node("px:relay", "proxy", c);
    for (int k = 0; k < 4; ++k) node("dev:h" + std::to_string(k), "device", c);
    const Timestamp t0 = year / 2;
    for (int i = 0; i < 40; ++i) {
      const std::string a = pre + "h" + std::to_string(i);
      std::vector<double> act(168);
      for (int t = 0; t < 168; ++t) act[t] = std::floor(shape[t] * (1.0 + 0.1 * (u01(rng) - 0.5)));
      node(a, "account", c, t0 + static_cast<Timestamp>(u01(rng) * 7200.0 * kMicrosPerSecond), &act);
      w.hydra.push_back(a);
      edge(a, "pm:h" + std::to_string(i % 3), "paid_with");
      edge(a, "ip:198.51.100." + std::to_string(10 + i % 8), "uses_ip", 100);
      edge(a, "px:relay", "via_proxy", 100);
      edge(a, "dev:h" + std::to_string(i % 4), "uses_device");
    }
    for (int f = 0; fragments && f < 2; ++f) {
      const auto own = next_community++;
      const std::string a = f == 0 ? "a:frag" : "a:person";
      std::vector<double> act(168);
      for (int t = 0; t < 168; ++t) act[t] = std::floor(shape[t] * (1.0 + 0.1 * (u01(rng) - 0.5)));
      if (f == 1) act = diurnal(60.0, 1.5);
      node(a, "account", own, static_cast<Timestamp>(u01(rng) * year), &act);
      node("pm:" + a.substr(2), "payment_method", own);
      edge(a, "pm:" + a.substr(2), "paid_with");
      edge(a, "dev:h0", "uses_device");
    }
  }
  // corporate
  {
    const auto c = next_community++;
    w.corporate_community = c;
    node("pm:corp", "payment_method", c);
    node("ip:203.0.113.1", "ip", c);
    node("dev:corp", "device", c);
    for (int i = 0; i < 40; ++i) {
      const std::string a = pre + "corp" + std::to_string(i);
      auto act = diurnal(std::exp(1.0 + 2.0 * u01(rng)), 1.0);
      node(a, "account", c, static_cast<Timestamp>(u01(rng) * year), &act);
      w.corporate.push_back(a);
      edge(a, "pm:corp", "paid_with");
      edge(a, "ip:203.0.113.1", "uses_ip", 20);
      edge(a, "dev:corp", "uses_device");
    }
  }
  // carrier NAT
  {
    const auto c = next_community++;
    w.carrier_community = c;
    node("ip:100.64.0.1", "ip", c);
    for (int i = 0; i < 200; ++i) {
      const std::string a = pre + "nat" + std::to_string(i);
      auto act = diurnal(std::exp(1.0 + 2.5 * u01(rng)), 2.0);
      node(a, "account", c, static_cast<Timestamp>(u01(rng) * year), &act);
      w.carrier.push_back(a);
      node("pm:nat" + std::to_string(i), "payment_method", c);
      edge(a, "pm:nat" + std::to_string(i), "paid_with");
      edge(a, "ip:100.64.0.1", "uses_ip", 3);
    }
  }
  w.snapshot = b.finish();
  w.partition = canonicalize(labels);
  // canonical ids renumber communities: find them again through a member.
  w.hydra_community = w.partition.membership[w.snapshot.find_node(w.hydra.front())];
  w.corporate_community = w.partition.membership[w.snapshot.find_node(w.corporate.front())];
  w.carrier_community = w.partition.membership[w.snapshot.find_node(w.carrier.front())];
  return w;
}

}  // namespace hydrascope::testing
