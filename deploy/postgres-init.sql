-- One database per archive node: nodes never share storage.
CREATE DATABASE node_510500;
CREATE DATABASE node_500118;
CREATE DATABASE node_500116;
CREATE DATABASE hub;
