/**
 * The kernel as the daemon sees it, independent of any operating system: a forwarding table ({@link
 * org.jbabel.kernel.Fib}), policy-routing rules ({@link org.jbabel.kernel.Rules}) and a view of links and
 * addresses with change notifications ({@link org.jbabel.kernel.LinkMonitor}). {@link org.jbabel.linux}
 * implements them over rtnetlink; {@link org.jbabel.kernel.MemoryKernel} implements them in memory for the
 * simulator and tests.
 */
package org.jbabel.kernel;
