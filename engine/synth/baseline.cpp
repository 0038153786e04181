// baseline: lands with the synth work.
