"""``ndflow.keras.layers``: the Keras layers."""

from ndflow.keras.layers.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from ndflow.keras.layers.attention import AdditiveAttention, Attention, MultiHeadAttention
from ndflow.keras.layers.categorical import CategoryEncoding, Discretization, Hashing
from ndflow.keras.layers.convolutional import (
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    Convolution1D,
    Convolution2D,
    Convolution2DTranspose,
    Convolution3D,
    Convolution3DTranspose,
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
)
from ndflow.keras.layers.core import Activation, Dense, Identity
from ndflow.keras.layers.embedding import Embedding, Masking
from ndflow.keras.layers.input_layer import Input, InputLayer
from ndflow.keras.layers.lambda_layer import Lambda
from ndflow.keras.layers.layer import Layer
from ndflow.keras.layers.lookup import IntegerLookup, StringLookup
from ndflow.keras.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from ndflow.keras.layers.normalization import (
    BatchNormalization,
    GroupNormalization,
    LayerNormalization,
    UnitNormalization,
)
from ndflow.keras.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    AvgPool1D,
    AvgPool2D,
    AvgPool3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalAvgPool3D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPool3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    MaxPool1D,
    MaxPool2D,
    MaxPool3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)
from ndflow.keras.layers.preprocessing import Normalization, Rescaling
from ndflow.keras.layers.recurrent import GRU, LSTM, RNN, SimpleRNN
from ndflow.keras.layers.regularization import ActivityRegularization, Dropout, GaussianNoise
from ndflow.keras.layers.reshaping import Flatten, Permute, RepeatVector, Reshape
from ndflow.keras.layers.rnn_cells import GRUCell, LSTMCell, SimpleRNNCell
from ndflow.keras.layers.serialization import deserialize_layer as deserialize
from ndflow.keras.layers.serialization import serialize_layer as serialize
from ndflow.keras.layers.spatial import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from ndflow.keras.layers.tensor_ops import install as _install_tensor_ops
from ndflow.keras.layers.text_vectorization import TextVectorization
from ndflow.keras.layers.wrappers import Bidirectional, TimeDistributed

_install_tensor_ops()

__all__ = [
    "GRU", "LSTM", "RNN", "Bidirectional", "Embedding", "GRUCell", "LSTMCell", "Masking",
    "SimpleRNN", "SimpleRNNCell", "TimeDistributed",
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "AvgPool1D", "AvgPool2D",
    "AvgPool3D", "Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D",
    "Conv3DTranspose", "Convolution1D", "Convolution2D", "Convolution2DTranspose",
    "Convolution3D", "Convolution3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
    "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D",
    "GlobalMaxPool3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "MaxPool1D", "MaxPool2D", "MaxPool3D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
    "SeparableConv1D", "SeparableConv2D",
    "AdditiveAttention", "Attention", "MultiHeadAttention",
    "CategoryEncoding", "Discretization", "Hashing", "IntegerLookup", "StringLookup",
    "TextVectorization",
    "BatchNormalization", "GroupNormalization", "LayerNormalization", "UnitNormalization",
    "Cropping1D", "Cropping2D", "Cropping3D", "SpatialDropout1D", "SpatialDropout2D",
    "SpatialDropout3D", "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D",
    "ZeroPadding2D", "ZeroPadding3D",
    "ELU", "Activation", "ActivityRegularization", "Add", "Average", "Concatenate", "Dense",
    "Dot", "Dropout", "Flatten", "GaussianNoise", "Identity", "Input", "InputLayer", "Lambda",
    "Layer", "LeakyReLU", "Maximum", "Minimum", "Multiply", "Normalization", "PReLU", "ReLU",
    "Permute", "RepeatVector", "Rescaling", "Reshape", "Softmax", "Subtract", "add", "average",
    "concatenate", "deserialize", "dot", "maximum", "minimum", "multiply", "serialize",
    "subtract",
]
