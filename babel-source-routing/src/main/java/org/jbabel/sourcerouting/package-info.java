/** babel-source-routing: built in a later issue; the module exists so the layout is fixed. */
package org.jbabel.sourcerouting;
