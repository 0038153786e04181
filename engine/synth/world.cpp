// world: lands with the synth work.
