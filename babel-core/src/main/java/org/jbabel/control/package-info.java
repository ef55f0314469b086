/**
 * The local control socket: babeld's line protocol ({@code dump}, {@code monitor}, runtime configuration) and
 * the same state as JSON.
 *
 * <p>The model ({@link org.jbabel.control.StateSnapshot} and its entries) is independent of the engine: the daemon
 * builds snapshots through {@link org.jbabel.control.ControlTarget}. {@link org.jbabel.control.BabeldText} and
 * {@link org.jbabel.control.JsonFormat} print them, {@link org.jbabel.control.StateDiff} turns two snapshots into
 * {@code add}/{@code change}/{@code flush} events, {@link org.jbabel.control.ControlProtocol} is one client's
 * session as a sans-IO state machine, and {@link org.jbabel.control.ControlServer} runs sessions over TCP on
 * [::1] and UNIX domain sockets with netty. The status page is a session of its own on its own port: {@code
 * StatusHttp} reads one HTTP request and answers with {@code StatusPage} (HTML) or {@code MeshSvg} (the mesh), every
 * string escaped by {@code Html}.
 */
package org.jbabel.control;
