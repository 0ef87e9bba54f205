package io.jenkins.plugins.essay.plain;

import java.io.Serializable;

/**
 * The release lock an {@code essayLock} block holds, as the steps in the block see it (a context value of the
 * Pipeline): deploys and switches run under it instead of taking the lock.
 *
 * @param id the lock holder's id on the router (as {@code essay status} shows it)
 */
public record HeldLock(String id) implements Serializable {
}
