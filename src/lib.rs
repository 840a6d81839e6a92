//! consent-dni: consent-aware dynamic number insertion at the edge.
