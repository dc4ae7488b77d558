import { cloudEvent } from '@google-cloud/functions-framework';
import { learnFunction } from './function';

cloudEvent('learn', learnFunction());
