/* Empty script: an unknown path on a vendor host, or a support library (not a tracker). */
