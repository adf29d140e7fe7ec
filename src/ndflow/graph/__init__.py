"""Graphs: ``ndflow.function`` traces Python functions into graphs and replays them."""

from ndflow.graph.control_flow import cond, while_loop
from ndflow.graph.function import ConcreteFunction, Function, TensorSpec, function
from ndflow.graph.ir import Graph, Node

__all__ = ["ConcreteFunction", "Function", "Graph", "Node", "TensorSpec", "cond", "function",
           "while_loop"]
