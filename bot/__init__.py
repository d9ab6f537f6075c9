"""The OCOP producer assistant: channel-neutral core (engine, flows, delivery, scheduler, wiring)."""
