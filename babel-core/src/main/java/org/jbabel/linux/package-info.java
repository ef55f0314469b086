/**
 * The Linux kernel through rtnetlink, called over {@code java.lang.foreign} (no JNI, no subprocess):
 * {@link org.jbabel.linux.LinuxFib} writes and reads routes, {@link org.jbabel.linux.LinuxLinkMonitor} reads
 * links and addresses and listens to link, address and route notifications. Run the JVM with
 * {@code --enable-native-access=ALL-UNNAMED}. A netlink socket belongs to the network namespace of the thread
 * that opened it.
 */
package org.jbabel.linux;
